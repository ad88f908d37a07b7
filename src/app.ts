import { Hono } from 'hono'
import type { Env } from './env'
import { health } from './routes/health'

/** The Worker's Hono app: each route group is a sub-app in `src/routes/`, mounted here. */
export const app = new Hono<{ Bindings: Env }>()

app.route('/', health)
