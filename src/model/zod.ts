import { config } from 'zod/mini'
import en from 'zod/v4/locales/en.js'

/**
 * zod as the model uses it: the tree-shakable `zod/mini` (the full build bundles every locale,
 * over 400 KiB of upload), with English messages, which admins read in webhook answers.
 */
config(en())

export * from 'zod/mini'
