// The operator's entry point. `yarn start` runs it through Backstage's dev
// transform; the image runs its build, `dist/index.cjs.js` (package role `backend`,
// so `backstage-cli package build` bundles it with the workspace packages it uses).
import { start } from './main';

start();
