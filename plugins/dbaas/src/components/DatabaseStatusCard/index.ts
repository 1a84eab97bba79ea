export { DatabaseStatusCard } from './DatabaseStatusCard';
