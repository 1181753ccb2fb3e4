import { useEffect, useState } from 'react';
import { AuditScreen } from './screens/AuditScreen.js';
import { AuditorScreen } from './screens/AuditorScreen.js';
import { CeremonyScreen } from './screens/CeremonyScreen.js';
import { OverviewScreen } from './screens/OverviewScreen.js';
import { ParamsScreen } from './screens/ParamsScreen.js';
import { WitnessScreen } from './screens/WitnessScreen.js';
import { api } from './ipc/client.js';
import { StationContext, useStationInfo } from './ipc/use-station.js';
import { KeyriteMark } from './components/KeyriteMark.js';
import { RehearsalBanner } from './components/RehearsalBanner.js';
import { SkipLink } from './components/SkipLink.js';

/** Hash routes: they never navigate the window, so the shell's navigation lock stays simple. */
const routes = {
  '#/': { title: 'Station', Screen: OverviewScreen },
  '#/ceremony': { title: 'Ceremony', Screen: CeremonyScreen },
  '#/params': { title: 'Import parameters', Screen: ParamsScreen },
  '#/audit': { title: 'Audit log', Screen: AuditScreen },
  '#/auditor': { title: 'Auditor', Screen: AuditorScreen },
} as const;
type Route = keyof typeof routes;

function currentRoute(): Route | '#/witness' {
  const h = window.location.hash || '#/';
  if (h === '#/witness') return h;
  return h in routes ? (h as Route) : '#/';
}

export function App() {
  const [route, setRoute] = useState(currentRoute());
  const station = useStationInfo();
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const rehearsal = station?.mode === 'rehearsal';
  // The rehearsal accent reaches everything, the page background included.
  useEffect(() => {
    document.documentElement.classList.toggle('is-rehearsal', rehearsal);
  }, [rehearsal]);

  if (route === '#/witness') {
    return (
      <StationContext.Provider value={station}>
        {rehearsal ? <RehearsalBanner large /> : null}
        <main className="witness-main" id="main-content" tabIndex={-1}>
          <WitnessScreen />
        </main>
      </StationContext.Provider>
    );
  }
  const { Screen } = routes[route];
  return (
    <StationContext.Provider value={station}>
      <div className="shell">
        <SkipLink
          targetId={route === '#/ceremony' ? 'step-title' : 'main-content'}
          label={route === '#/ceremony' ? 'Skip to the current step' : 'Skip to the content'}
        />
        {rehearsal ? <RehearsalBanner /> : null}
        <header className="topbar">
          <span className="brand">
            <KeyriteMark /> Keyrite
          </span>
          <nav aria-label="Sections">
            <ul>
              {(Object.keys(routes) as Route[]).map((r) => (
                <li key={r}>
                  <a href={r} aria-current={r === route ? 'page' : undefined}>
                    {routes[r].title}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <button type="button" className="ghost" onClick={() => void api().app.openWitnessDisplay({})}>
            Open witness display
          </button>
        </header>
        <main className="content" id="main-content" tabIndex={-1}>
          <Screen />
        </main>
      </div>
    </StationContext.Provider>
  );
}
