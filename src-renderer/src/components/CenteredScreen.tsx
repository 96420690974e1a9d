// A single card centred on the brand background (first run, sign in, lock, kiosk sign-in), with the status bar kept
// visible so the node in use is always shown.
import type { ReactNode } from 'react';
import { StatusBar } from './StatusBar';

export function CenteredScreen({
  children,
  wide,
  className,
}: {
  children: ReactNode;
  wide?: boolean;
  className?: string;
}) {
  return (
    <div className={`centered-frame ${className ?? ''}`}>
      <main className="centered-screen">
        <div className={wide ? 'card wide' : 'card'}>{children}</div>
      </main>
      <StatusBar />
    </div>
  );
}
