// esbuild keeps only the `version` field of package.json in the bundles (JSON tree shaking).
import { version } from '../../package.json';

export const VERSION: string = version;
