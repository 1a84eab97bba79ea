export { DatabaseConnectionCard } from './DatabaseConnectionCard';
