import type { CompiledFlag } from '../evaluation'
import type { KeyKind } from '../model/api-key'

const VISIBLE: Record<KeyKind, (flag: CompiledFlag) => boolean> = {
  client: (flag) => flag.clientSideAvailability.usingEnvironmentId,
  mobile: (flag) => flag.clientSideAvailability.usingMobileKey,
  server: () => true,
}

/** Which flags a key of `kind` may see: client and mobile keys only those made available to them. */
export const visibleTo = (kind: KeyKind) => VISIBLE[kind]
