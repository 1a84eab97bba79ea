export { DatabaseMetrics } from './DatabaseMetrics';
