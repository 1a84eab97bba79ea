export { dbaasPlugin as default } from './plugin';
