import { chromium, type Page } from 'playwright-core'

/** Debian's Chromium, headless, with nothing of its own going to the network. */
export const launchChromium = () =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })

/**
 * What the page's WebSockets did, as Chromium reports it (CDP network events, which arrive even
 * while the page's scripts are paused): how many are open or still connecting, and how many
 * `put` messages came in.
 */
export const watchSockets = (page: Page) => {
  const seen = { open: 0, puts: 0 }
  page.on('websocket', (socket) => {
    seen.open += 1
    socket.on('framereceived', ({ payload }) => {
      if (String(payload).startsWith('{"type":"put"')) seen.puts += 1
    })
    // a refused handshake reports `socketerror` and then `close`, so each socket counts down once
    socket.on('close', () => {
      seen.open -= 1
    })
  })
  return seen
}

/**
 * Stops the page's scripts at their next statement (the DevTools debugger's pause), so no timer
 * or socket event runs until the returned function resumes them. Disabling the debugger resumes
 * a paused page and drops a pause that never took effect.
 */
export const pauseScripts = async (page: Page) => {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Debugger.enable')
  await cdp.send('Debugger.pause')
  return async () => {
    await cdp.send('Debugger.disable')
    await cdp.detach()
  }
}
