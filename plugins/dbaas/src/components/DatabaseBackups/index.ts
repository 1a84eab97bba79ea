export { DatabaseBackups } from './DatabaseBackups';
export { DeletedDatabaseBackups } from './DeletedDatabaseBackups';
