export { DatabaseLink } from './DatabaseLink';
