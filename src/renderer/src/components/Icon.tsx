import type { SVGProps } from 'react';

// A small hand-drawn icon set (stroke icons, 16px grid) so we ship no icon font.
const paths = {
  webhook: 'M6 4.5a2.5 2.5 0 1 1 3.7 2.2L11.5 10M4.3 8.2 2.8 11a2.5 2.5 0 1 0 3.7 2.2h5M13.2 13.2a2.5 2.5 0 1 0-1.7-4.3L9.7 5.8',
  send: 'M2 8h10M8.5 4.5 12 8l-3.5 3.5M14 3v10',
  socket: 'M2 5.5h9l-2.5-2.5M14 10.5H5l2.5 2.5',
  settings: 'M8 10.2a2.2 2.2 0 1 0 0-4.4 2.2 2.2 0 0 0 0 4.4ZM13 8a5 5 0 0 0-.1-1l1.4-1.1-1.3-2.2-1.7.6a5 5 0 0 0-1.7-1L9.3 1.5H6.7l-.3 1.8a5 5 0 0 0-1.7 1L3 3.7 1.7 5.9 3.1 7a5 5 0 0 0 0 2l-1.4 1.1L3 12.3l1.7-.6a5 5 0 0 0 1.7 1l.3 1.8h2.6l.3-1.8a5 5 0 0 0 1.7-1l1.7.6 1.3-2.2L12.9 9c.1-.3.1-.7.1-1Z',
  copy: 'M5.5 5.5h7v8h-7zM3.5 10.5v-8h7',
  check: 'M3 8.5 6.5 12 13 4.5',
  plus: 'M8 3v10M3 8h10',
  play: 'M5 3.5v9l7-4.5z',
  stop: 'M4.5 4.5h7v7h-7z',
  pause: 'M5.5 3.5v9M10.5 3.5v9',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9',
  download: 'M8 2.5v8M4.5 7 8 10.5 11.5 7M3 13.5h10',
  search: 'M7 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10ZM10.6 10.6 14 14',
  close: 'M4 4l8 8M12 4l-8 8',
  alert: 'M8 2 14.5 13.5h-13L8 2ZM8 6.5v3M8 11.5v.5',
  info: 'M8 14.5a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13ZM8 7.5v4M8 5v.5',
  wrap: 'M2.5 4h11M2.5 8h9a2 2 0 0 1 0 4H9M10.5 10.5 9 12l1.5 1.5M2.5 12h4',
  export: 'M8 10V2.5M4.5 6 8 2.5 11.5 6M3 9.5v4h10v-4',
  terminal: 'M3 4.5 6.5 8 3 11.5M8 12h5',
  edit: 'M10.5 2.5l3 3-8 8h-3v-3z',
  sun: 'M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1',
  moon: 'M13.5 9.5A5.5 5.5 0 0 1 6.5 2.5a5.5 5.5 0 1 0 7 7Z',
  chevronDown: 'M4 6l4 4 4-4',
  chevronRight: 'M6 4l4 4-4 4',
  dot: 'M8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z',
  filter: 'M2 3h12l-4.5 5.5V13l-3 1.5v-6z',
  file: 'M4 1.5h5l3.5 3.5v9.5h-8.5zM9 1.5V5h3.5',
  scissors: 'M4.5 6a1.75 1.75 0 1 0 0-3.5 1.75 1.75 0 0 0 0 3.5ZM4.5 13.5a1.75 1.75 0 1 0 0-3.5 1.75 1.75 0 0 0 0 3.5ZM6 5.2l8 6.3M6 10.8l8-6.3',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, size = 16, ...rest }: { name: IconName; size?: number } & SVGProps<SVGSVGElement>) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      <path d={paths[name]} />
    </svg>
  );
}
