export { ApiErrorPanel } from './ApiErrorPanel';
export { MissingServiceId } from './MissingServiceId';
export { useDatabaseServiceId } from './useDatabaseServiceId';
export { useServiceDetails } from './useServiceDetails';
