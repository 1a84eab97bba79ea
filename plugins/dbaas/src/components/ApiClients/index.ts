export { ApiClientsButton, ApiClientsDialog } from './ApiClientsDialog';
