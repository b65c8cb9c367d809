// Minimal history window until the full UI lands: lists the services from `get_snapshot`.
type Svc = { name: string; status: string };
type Snap = { services: Svc[] };
const inv = (window as unknown as { __TAURI_INTERNALS__?: { invoke: (c: string) => Promise<Snap> } })
  .__TAURI_INTERNALS__?.invoke;
const app = document.getElementById("app");
if (app && inv) {
  inv("get_snapshot").then(
    (s) => {
      app.textContent = s.services.map((x) => `${x.name}: ${x.status}`).join("\n");
    },
    (e) => {
      app.textContent = String(e);
    },
  );
}
