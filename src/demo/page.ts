/**
 * The live demo: a small shop driven by the example flags through the edgeflags client. Plain
 * HTML and CSS; the script is an ES module that loads the client from /demo/client.js.
 */
export const demoPage = (key: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edgeflags demo shop</title>
<style>
  :root { --bg: #fafafa; --fg: #1d1d1f; --panel: #fff; --accent: #0a66c2; --muted: #6e6e73; --line: #e5e5ea; }
  body.dark { --bg: #111217; --fg: #f2f2f7; --panel: #1c1d24; --accent: #64a8ff; --muted: #a1a1aa; --line: #2c2d35; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--fg); transition: background .2s, color .2s; }
  header { display: flex; align-items: center; justify-content: space-between; padding: 16px 24px; background: var(--panel); border-bottom: 1px solid var(--line); }
  header h1 { margin: 0; font-size: 20px; }
  main { max-width: 860px; margin: 24px auto; padding: 0 24px; display: grid; gap: 20px; }
  section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; }
  h2 { margin: 0 0 12px; font-size: 16px; }
  button { font: inherit; padding: 8px 14px; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
  input { font: inherit; padding: 6px 10px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); }
  table { width: 100%; border-collapse: collapse; font-size: 14px; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); }
  code { font-family: ui-monospace, monospace; }
  .muted { color: var(--muted); }
  .status { font-size: 13px; }
  .status.offline { color: #d70015; font-weight: 600; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<script>
  // Zero flicker: the theme from the flags the edge put into <head>, set before the first paint
  // (the module below runs after parsing, too late for it); an identified user has no bootstrap
  try {
    const boot = JSON.parse(document.getElementById('edgeflags-bootstrap').textContent)
    if (!localStorage.getItem('edgeflags-demo-user')) document.body.classList.toggle('dark', boot.flags['dark-theme'].value === true)
  } catch {}
</script>
<header>
  <h1>Edge Shop</h1>
  <span id="status" class="status muted">connecting…</span>
</header>
<main>
  <section>
    <h2>Your basket</h2>
    <p>2 × Edge-grown coffee beans · 1 × Latency-free mug</p>
    <button id="new-checkout" hidden>Try the new checkout</button>
    <button id="old-checkout">Checkout</button>
  </section>
  <section id="registration">
    <h2>Create an account</h2>
    <form onsubmit="return false"><input placeholder="you@example.com"> <button>Register</button></form>
  </section>
  <section>
    <h2>Who you are</h2>
    <form id="identify"><label>targetingKey <input id="user" size="24"></label> <button>Identify</button></form>
    <p class="muted">Try <code>alice</code> (a beta tester) or <code>legacy-client-1</code> (targeted by <code>api-count-field</code>).</p>
  </section>
  <section>
    <h2>Flags, live</h2>
    <p id="last-change" class="muted">No change since the page opened.</p>
    <table><thead><tr><th>flag</th><th>value</th><th>variant</th><th>reason</th></tr></thead><tbody id="flags"></tbody></table>
  </section>
</main>
<script type="module">
  import { createClient } from '/demo/client.js'
  const $ = (id) => document.getElementById(id)
  // a user identified earlier, else the visitor the edge evaluated for (its key is in an HttpOnly
  // cookie, so the client takes the context from the bootstrap), else someone new
  const stored = localStorage.getItem('edgeflags-demo-user')
  const boot = document.getElementById('edgeflags-bootstrap')
  const user = stored ?? (boot ? JSON.parse(boot.textContent).context.targetingKey : 'visitor-' + Math.random().toString(36).slice(2, 8))
  $('user').value = user
  const context = stored || !boot ? { targetingKey: user } : undefined
  const client = createClient({ baseUrl: location.origin, key: ${JSON.stringify(key)}, context, storage: localStorage })
  window.edgeflags = client

  const render = () => {
    document.body.classList.toggle('dark', client.variation('dark-theme', false))
    $('new-checkout').hidden = !client.variation('new-checkout', false)
    $('registration').hidden = client.variation('disable-registration', false)
    const values = client.allFlags()
    const rows = Object.keys(values).sort().map((key) => {
      // the flag's own value as the default, so the type check passes whatever the type
      const detail = client.variationDetail(key, values[key])
      const cells = [key, JSON.stringify(detail.value), detail.variant ?? '', detail.reason ?? '']
      return '<tr data-flag="' + key + '">' + cells.map((cell) => '<td><code>' + String(cell).replace(/</g, '&lt;') + '</code></td>').join('') + '</tr>'
    })
    $('flags').innerHTML = rows.join('')
  }
  client.on('ready', render)
  client.on('change', (keys) => {
    render()
    const meta = client.meta()
    if (meta.updatedAt) {
      const delay = Date.now() - Date.parse(meta.updatedAt)
      $('last-change').textContent = 'Version ' + meta.version + ': ' + keys.join(', ') + ' changed, ' + delay + ' ms after the push.'
    }
  })
  client.on('offline', (offline) => {
    $('status').textContent = offline ? 'offline: showing last known values' : 'live'
    $('status').classList.toggle('offline', offline)
  })
  $('identify').addEventListener('submit', async (event) => {
    event.preventDefault()
    localStorage.setItem('edgeflags-demo-user', $('user').value)
    await client.identify({ targetingKey: $('user').value })
    render()
  })
  await client.ready()
  render()
  if (!$('status').classList.contains('offline')) $('status').textContent = 'live'
</script>
</body>
</html>
`
