/**
 * The database entity page's extensions (cards and tabs for catalog Resources of
 * type `database`), registered by the plugin.
 */
export const dbaasEntityExtensions = [];
