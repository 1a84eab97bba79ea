export { DatabaseAlertsCard } from './DatabaseAlertsCard';
