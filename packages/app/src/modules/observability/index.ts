export { observabilityModule } from './observabilityModule';
