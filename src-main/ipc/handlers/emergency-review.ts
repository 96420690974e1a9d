// The workstation's emergency review channels (emergency.report, emergency.followUp): the privacy officer's screen in
// the Hospital section. Officer passwords go to one keychain unlock and nowhere else; no key is ever answered.
import type { EmergencyReviewDesk } from '../../emergency/review-desk';
import type { Handler } from '../registry';

type EmergencyReviewChannels = 'emergency.report' | 'emergency.followUp';

export function emergencyReviewHandlers(review: EmergencyReviewDesk): {
  [C in EmergencyReviewChannels]: Handler<C>;
} {
  return {
    'emergency.report': async (req) => review.report(req),
    'emergency.followUp': async (req) => review.followUp(req),
  };
}
