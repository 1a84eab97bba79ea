export { ReloadProgress } from './ReloadProgress';
