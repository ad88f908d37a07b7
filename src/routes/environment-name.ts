import { ApiError } from '../errors'
import { ENVIRONMENT_NAME } from '../model/webhook'

/** The environment named in an admin path, or 400 when it is not a valid name. */
export const environmentOf = (name: string) => {
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new ApiError(400, 'invalid_environment', `"${name}" is not an environment name`, [
      { path: 'environment', message: 'must be 1-64 lower-case letters, digits, "-" or "_"' },
    ])
  }
  return name
}
