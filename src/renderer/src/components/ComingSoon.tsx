import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

/** Holds an area's place in the shell until its feature lands; says what it will do. */
export function ComingSoon({ icon, title, issue, children }: { icon: IconName; title: string; issue: number; children: ReactNode }) {
  return (
    <div className="empty">
      <Icon name={icon} size={36} />
      <h3>{title}</h3>
      <p>{children}</p>
      <p className="faint">Arrives with issue {issue}.</p>
    </div>
  );
}
