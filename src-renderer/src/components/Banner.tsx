// A prominent message strip. Danger and warning banners are announced immediately (role=alert).
import type { ReactNode } from 'react';
import { AlertOctagon, AlertTriangle, Info } from 'lucide-react';

interface BannerProps {
  tone: 'danger' | 'warn' | 'info';
  title: string;
  children?: ReactNode;
}

export function Banner({ tone, title, children }: BannerProps) {
  const Icon = tone === 'danger' ? AlertOctagon : tone === 'warn' ? AlertTriangle : Info;
  return (
    <div className={`banner banner-${tone}`} role={tone === 'info' ? 'status' : 'alert'}>
      <Icon aria-hidden="true" size={22} />
      <div>
        <strong>{title}</strong>
        {children}
      </div>
    </div>
  );
}
