export { Caption } from './Caption';
