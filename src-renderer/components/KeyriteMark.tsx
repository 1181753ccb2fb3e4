/**
 * The Keyrite mark drawn inline (the same geometry as assets/icon.svg, which generate-icons.mjs
 * writes): no image request, so it shows however the renderer is bundled or served.
 */
export function KeyriteMark({ size = 24 }: { size?: number }) {
  return (
    <svg viewBox="0 0 1024 1024" width={size} height={size} aria-hidden="true" focusable="false">
      <rect x="32" y="32" width="960" height="960" rx="210" fill="#15212b" />
      <rect x="560" y="466" width="330" height="92" fill="#9ed0ff" />
      <rect x="800" y="558" width="70" height="120" fill="#9ed0ff" />
      <rect x="690" y="558" width="60" height="84" fill="#9ed0ff" />
      <circle cx="380" cy="512" r="210" fill="#9ed0ff" />
      <line x1="290" y1="520" x2="360" y2="590" stroke="#15212b" strokeWidth="44" strokeLinecap="round" />
      <line x1="360" y1="590" x2="480" y2="430" stroke="#15212b" strokeWidth="44" strokeLinecap="round" />
    </svg>
  );
}
