import { KubeConfig } from '@kubernetes/client-node';

/** A client config for the kube-apiserver of scripts/services.sh. */
export function kubeConfigFrom(env: Record<string, string>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(env.DBAAS_KUBECONFIG);
  return kc;
}
