import { useEffect, useState } from 'react';
import { AuditScreen } from './screens/AuditScreen.js';
import { CeremonyScreen } from './screens/CeremonyScreen.js';
import { OverviewScreen } from './screens/OverviewScreen.js';
import { ParamsScreen } from './screens/ParamsScreen.js';
import { WitnessScreen } from './screens/WitnessScreen.js';
import { api } from './ipc/client.js';
import { KeyriteMark } from './components/KeyriteMark.js';

/** Hash routes: they never navigate the window, so the shell's navigation lock stays simple. */
const routes = {
  '#/': { title: 'Station', Screen: OverviewScreen },
  '#/ceremony': { title: 'Ceremony', Screen: CeremonyScreen },
  '#/params': { title: 'Import parameters', Screen: ParamsScreen },
  '#/audit': { title: 'Audit log', Screen: AuditScreen },
} as const;
type Route = keyof typeof routes;

function currentRoute(): Route | '#/witness' {
  const h = window.location.hash || '#/';
  if (h === '#/witness') return h;
  return h in routes ? (h as Route) : '#/';
}

export function App() {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  if (route === '#/witness') {
    return (
      <main className="witness-main">
        <WitnessScreen />
      </main>
    );
  }
  const { Screen } = routes[route];
  return (
    <div className="shell">
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
      <main className="content">
        <Screen />
      </main>
    </div>
  );
}
