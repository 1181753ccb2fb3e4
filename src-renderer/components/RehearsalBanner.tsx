/**
 * Rehearsal is unmistakable on every screen: a banner that never scrolls away, the rehearsal accent
 * colour (set on the page by the same flag) and a watermark behind the content. The watermark's word
 * is drawn by CSS, so it is decoration only and never read out.
 */
export function RehearsalBanner({ large = false }: { large?: boolean }) {
  return (
    <>
      <aside
        className={large ? 'rehearsal-banner rehearsal-banner-large' : 'rehearsal-banner'}
        aria-label="Rehearsal"
      >
        <p>
          <strong>Rehearsal</strong> — the embedded KMS emulator stands in for the cloud (AWS or Huawei
          Cloud). Nothing done here creates or imports a real key.
        </p>
      </aside>
      <div className="watermark" aria-hidden="true" />
    </>
  );
}
