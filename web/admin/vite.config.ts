import { appConfig } from '../shared/scripts/vite.mjs';

export default appConfig();
