export { PlatformPage } from './PlatformPage';
export { PlatformButton } from './PlatformButton';
