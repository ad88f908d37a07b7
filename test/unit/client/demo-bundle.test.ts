import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildClient, DEMO_BUNDLE, demoBundleSource } from '../../../scripts/build-client'

describe('the demo page copy of the client', () => {
  it('is what npm run build:client makes from src/client today', async () => {
    // if this fails: npm run build:client, and commit src/demo/client-bundle.generated.ts
    expect(readFileSync(DEMO_BUNDLE, 'utf8')).toBe(demoBundleSource(await buildClient()))
  })
})
