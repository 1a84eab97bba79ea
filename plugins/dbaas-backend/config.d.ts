export interface Config {
  /** Configuration of the DBaaS backend plugin. */
  dbaas?: {
    /** Where database claims are committed. */
    gitops?: {
      /**
       * Path of a bare git repository on this machine, created on first start when
       * missing: the GitOps repository of the embedded defaults. Relative paths are
       * resolved from the backend's working directory.
       */
      localPath?: string;
    };
  };
}
