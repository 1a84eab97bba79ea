export { DatabaseDependentsCard } from './DatabaseDependentsCard';
