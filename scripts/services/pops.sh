# Two PoP clusters for the whole loop: lagos and frankfurt, each its own kube-apiserver
# and etcd (as kube.sh runs them), which Argo CD syncs to and an operator per PoP
# reconciles. The names are regions of the SKU catalog, so the generated ApplicationSets
# select them. "kube" is the management cluster where Argo CD runs.
#
# Unlike "kube", each PoP runs kube-controller-manager's garbage collector and namespace
# controller: Argo CD deletes what it prunes with foreground propagation, which only the
# garbage collector completes, and a tenant's namespace must really go. The shared
# "kube" cluster runs neither, because tests there create objects whose owners exist
# only in the test.

pops_names=(lagos frankfurt)

pops_install() { kube_install; }

pops_start() {
  local dir name upper
  dir=$(service_dir pops)
  for name in "${pops_names[@]}"; do
    kube_cluster_start "$dir/$name" "$name" garbagecollector,namespace || { pops_stop; return 1; }
    upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
    service_export pops "DBAAS_POP_${upper}_KUBECONFIG" "$dir/$name/kubeconfig"
    service_export pops "DBAAS_POP_${upper}_API_URL" "$(cat "$dir/$name/url")"
    service_export pops "DBAAS_POP_${upper}_TOKEN" "$(cat "$dir/$name/token")"
  done
  service_export pops DBAAS_POPS "$(IFS=,; printf '%s' "${pops_names[*]}")"
}

pops_stop() {
  local dir name
  dir=$(service_dir pops)
  for name in "${pops_names[@]}"; do
    kube_cluster_stop "$dir/$name"
  done
}
