// @ts-expect-error The build script is plain JavaScript without type declarations.
import { buildBundle } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await buildBundle();
}
