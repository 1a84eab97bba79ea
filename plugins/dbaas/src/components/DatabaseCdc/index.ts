export { DatabaseCdc } from './DatabaseCdc';
