import { cpus } from 'node:os'
import { percentile } from '../fanout/stats'

/** The Markdown report: the environment, then p50/p99/max per client, as ratios to the WebSocket. */

export type Series = { name: string; latencies: number[] }

const ms = (value: number) => value.toFixed(1)

const figures = (latencies: number[]) => {
  const sorted = [...latencies].sort((a, b) => a - b)
  return { min: sorted[0] ?? NaN, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? NaN }
}

/** `baseline` is the row the others are divided by (the WebSocket, measured on the same pushes). */
export function markdown(series: Series[], baseline: Series, webhook: number[], warmUp: number): string {
  const base = figures(baseline.latencies)
  const answer = figures(webhook)
  const cpu = cpus()
  const lines = [
    `- node ${process.version}, ${process.platform}/${process.arch}, ${cpu[0]?.model ?? 'unknown cpu'} × ${cpu.length}; ` +
      'Miniflare (no wrangler dev proxy) and both clients in one machine',
    `- ${baseline.latencies.length} webhook pushes after ${warmUp} warm-up ones, one at a time; each flips \`promo\` ` +
      'for the context both clients watch. Latency runs from sending the signed webhook request to the client ' +
      `seeing the change; the webhook's own answer took p50 ${ms(answer.p50)} ms, p99 ${ms(answer.p99)} ms.`,
    '',
    '| client | p50 ms | p99 ms | max ms | p50 / WebSocket | p99 / WebSocket |',
    '|---|---|---|---|---|---|',
  ]
  for (const { name, latencies } of series) {
    const { p50, p99, max } = figures(latencies)
    lines.push(`| ${name} | ${ms(p50)} | ${ms(p99)} | ${ms(max)} | ${(p50 / base.p50).toFixed(2)}× | ${(p99 / base.p99).toFixed(2)}× |`)
  }
  // Push by push, which arrived first: the percentiles above mix pushes, this does not
  for (const { name, latencies } of series.filter((one) => one !== baseline)) {
    const gap = figures(latencies.map((latency, i) => latency - baseline.latencies[i]))
    const spread = `min ${ms(gap.min)}, p50 ${ms(gap.p50)}, p99 ${ms(gap.p99)}, max ${ms(gap.max)} ms`
    lines.push('', `${name} minus WebSocket on the same push (negative: the SDK saw it first): ${spread}.`)
  }
  return lines.join('\n')
}
