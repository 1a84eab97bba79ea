export { DatabaseBackups } from './DatabaseBackups';
