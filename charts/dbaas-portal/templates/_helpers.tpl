{{/* The chart's name, or nameOverride. */}}
{{- define "dbaas-portal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name of the release's resources: 63 characters at most (a DNS label), and
the release name alone when it already contains the chart name.
*/}}
{{- define "dbaas-portal.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "dbaas-portal.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "dbaas-portal.labels" -}}
helm.sh/chart: {{ include "dbaas-portal.chart" . }}
{{ include "dbaas-portal.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dbaas
{{- end }}

{{/* Labels that select the portal's pods: never change them, a Deployment's selector is immutable. */}}
{{- define "dbaas-portal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dbaas-portal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "dbaas-portal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dbaas-portal.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "dbaas-portal.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The portal's public address: baseUrl, else the Ingress's host. */}}
{{- define "dbaas-portal.baseUrl" -}}
{{- if .Values.baseUrl }}
{{- trimSuffix "/" .Values.baseUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.host }}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host }}
{{- else }}
{{- fail "baseUrl is required without an Ingress (ingress.enabled and ingress.host)" }}
{{- end }}
{{- end }}

{{/*
"true" when the portal reaches Argo CD as its own service account (Argo CD on the
cluster it runs on): the only case its pods get a service account token.
*/}}
{{- define "dbaas-portal.argoCdAsItself" -}}
{{- if and .Values.gitops.argocd.enabled (not .Values.gitops.argocd.cluster.url) }}true{{ end }}
{{- end }}

{{/* The variable holding a PoP cluster's token, from the cluster's name: DBAAS_CLUSTER_TOKEN_LAGOS. */}}
{{- define "dbaas-portal.clusterTokenEnv" -}}
{{- printf "DBAAS_CLUSTER_TOKEN_%s" (. | upper | replace "-" "_") }}
{{- end }}

{{/* The variable holding an Alertmanager's token, by its subject. */}}
{{- define "dbaas-portal.alertTokenEnv" -}}
{{- printf "DBAAS_ALERTMANAGER_TOKEN_%s" (. | upper | replace "-" "_") }}
{{- end }}

{{/* The variable holding the code host integration's token: GITHUB_TOKEN or GITLAB_TOKEN. */}}
{{- define "dbaas-portal.codeHostTokenEnv" -}}
{{- printf "%s_TOKEN" (upper .Values.gitops.codeHost.type) }}
{{- end }}

{{/*
The chart's app-config layer, loaded after app-config.yaml and
app-config.production.yaml: what the values say, then `appConfig` over it. Every
secret is a ${VARIABLE} the Deployment fills from a Secret; none is ever written here.
*/}}
{{- define "dbaas-portal.appConfig" -}}
{{- $v := .Values }}
{{- $baseUrl := include "dbaas-portal.baseUrl" . }}
{{- $remote := dict "url" $v.gitops.remote.url "branch" $v.gitops.remote.branch "mode" $v.gitops.remote.mode }}
{{- with $v.gitops.remote.username }}
{{- $_ := set $remote "username" . }}
{{- end }}
{{- if $v.gitops.remote.token.existingSecret }}
{{- $_ := set $remote "token" "${DBAAS_GITOPS_TOKEN}" }}
{{- end }}
{{- $gitops := dict "remote" $remote }}
{{- with $v.gitops.repoURL }}
{{- $_ := set $gitops "repoURL" . }}
{{- end }}
{{- if $v.gitops.argocd.enabled }}
{{- $argocd := dict "namespace" $v.gitops.argocd.namespace }}
{{- with $v.gitops.argocd.cluster.url }}
{{- $cluster := dict "url" . "serviceAccountToken" "${DBAAS_ARGOCD_TOKEN}" }}
{{- with $v.gitops.argocd.cluster.caData }}
{{- $_ := set $cluster "caData" . }}
{{- end }}
{{- $_ := set $argocd "cluster" $cluster }}
{{- end }}
{{- $_ := set $gitops "argocd" $argocd }}
{{- end }}
{{- $dbaas := dict "gitops" $gitops "permissions" (dict "platformAdmins" $v.platformAdmins) "status" (dict "watch" $v.status.watch) }}
{{- if $v.popTokens.existingSecret }}
{{- $_ := set $dbaas "pops" (dict "tokenDirectory" "/var/run/secrets/dbaas/pops") }}
{{- end }}
{{- $audit := dict "retentionDays" $v.audit.retentionDays }}
{{- with $v.audit.kafka.brokers }}
{{- /* The whole list: app-config.production.yaml's ${DBAAS_KAFKA_BROKERS} holds one. */}}
{{- $kafka := dict "brokers" . }}
{{- with $v.audit.kafka.clientId }}
{{- $_ := set $kafka "clientId" . }}
{{- end }}
{{- $_ := set $audit "kafka" $kafka }}
{{- end }}
{{- $_ := set $dbaas "audit" $audit }}
{{- $quotas := dict }}
{{- with $v.quotas.default }}
{{- $_ := set $quotas "default" (deepCopy .) }}
{{- end }}
{{- with $v.quotas.ceiling }}
{{- $_ := set $quotas "ceiling" (deepCopy .) }}
{{- end }}
{{- with $quotas }}
{{- $_ := set $dbaas "quotas" . }}
{{- end }}
{{- $backend := dict "baseUrl" $baseUrl "cors" (dict "origin" $baseUrl) "lifecycle" (dict "serverShutdownDelay" $v.shutdownDelay) }}
{{- $externalAccess := list }}
{{- $alerts := dict "retentionDays" $v.alerts.retentionDays }}
{{- $_ := set $dbaas "alerts" $alerts }}
{{- with $v.alerts.sources }}
{{- /* Each Alertmanager: a token kept to the DBaaS plugin, and the PoPs it speaks for. */}}
{{- $sources := list }}
{{- range . }}
{{- $sources = append $sources (dict "subject" .subject "pops" .pops) }}
{{- $token := dict "token" (printf "${%s}" (include "dbaas-portal.alertTokenEnv" .subject)) "subject" .subject }}
{{- $externalAccess = append $externalAccess (dict "type" "static" "options" $token "accessRestrictions" (list (dict "plugin" "dbaas"))) }}
{{- end }}
{{- $_ := set $alerts "sources" $sources }}
{{- end }}
{{- if $v.apiClients.keycloak.enabled }}
{{- /* Scripts' tokens from the sign-in realm, verified through its keys, kept to the DBaaS plugin. */}}
{{- $wellKnown := "/.well-known/openid-configuration" }}
{{- if not (hasSuffix $wellKnown $v.auth.keycloak.metadataUrl) }}
{{- fail (printf "apiClients.keycloak.enabled: auth.keycloak.metadataUrl must end in %s, for the realm's issuer and keys" $wellKnown) }}
{{- end }}
{{- $issuer := trimSuffix $wellKnown $v.auth.keycloak.metadataUrl }}
{{- $jwks := dict "url" (printf "%s/protocol/openid-connect/certs" $issuer) "issuer" $issuer "algorithm" "RS256" "audience" (required "apiClients.keycloak.audience is required" $v.apiClients.keycloak.audience) "subjectPrefix" "keycloak" }}
{{- $externalAccess = append $externalAccess (dict "type" "jwks" "options" $jwks "accessRestrictions" (list (dict "plugin" "dbaas"))) }}
{{- $_ := set $dbaas "apiClients" (dict "subjectPrefixes" (list "keycloak")) }}
{{- end }}
{{- with $externalAccess }}
{{- $_ := set $backend "auth" (dict "externalAccess" .) }}
{{- end }}
{{- $config := dict "app" (dict "baseUrl" $baseUrl) "backend" $backend "dbaas" $dbaas }}
{{- if $v.organizations.keycloak.enabled }}
{{- /* Users and groups from the sign-in realm (docs/keycloak.md); the image's catalog without catalog/org.yaml. */}}
{{- $wellKnown := "/.well-known/openid-configuration" }}
{{- if not (hasSuffix $wellKnown $v.auth.keycloak.metadataUrl) }}
{{- fail (printf "organizations.keycloak.enabled: auth.keycloak.metadataUrl must end in %s, for the realm's address" $wellKnown) }}
{{- end }}
{{- $issuer := trimSuffix $wellKnown $v.auth.keycloak.metadataUrl }}
{{- $parts := regexFind "^(.*)/realms/([^/]+)$" $issuer }}
{{- if not $parts }}
{{- fail "organizations.keycloak.enabled: auth.keycloak.metadataUrl must be <keycloak>/realms/<realm>/.well-known/openid-configuration" }}
{{- end }}
{{- $realm := regexReplaceAll "^.*/realms/" $issuer "" }}
{{- $keycloakUrl := regexReplaceAll "/realms/[^/]+$" $issuer "" }}
{{- $provider := dict "baseUrl" $keycloakUrl "realm" $realm "loginRealm" $realm "clientId" (required "organizations.keycloak.clientId is required" $v.organizations.keycloak.clientId) "clientSecret" "${KEYCLOAK_CATALOG_SECRET}" "briefRepresentation" false "schedule" (dict "frequency" (dict "minutes" $v.organizations.keycloak.syncMinutes) "timeout" (dict "minutes" 3)) }}
{{- $location := dict "type" "file" "target" "./catalog/portal.yaml" "rules" (list (dict "allow" (list "Location" "System" "Domain" "Template" "API" "Resource"))) }}
{{- $_ := set $config "catalog" (dict "locations" (list $location) "providers" (dict "keycloakOrg" (dict "default" $provider))) }}
{{- end }}
{{- with $v.gitops.codeHost.type }}
{{- $integration := dict "host" $v.gitops.codeHost.host "token" (printf "${%s}" (include "dbaas-portal.codeHostTokenEnv" $)) }}
{{- with $v.gitops.codeHost.apiBaseUrl }}
{{- $_ := set $integration "apiBaseUrl" . }}
{{- end }}
{{- $_ := set $config "integrations" (dict . (list $integration)) }}
{{- end }}
{{- with $v.clusters }}
{{- $clusters := list }}
{{- range . }}
{{- $cluster := dict "name" .name "url" .url "authProvider" "serviceAccount" "serviceAccountToken" (printf "${%s}" (include "dbaas-portal.clusterTokenEnv" .name)) }}
{{- with .caData }}
{{- $_ := set $cluster "caData" . }}
{{- end }}
{{- if .skipTLSVerify }}
{{- $_ := set $cluster "skipTLSVerify" true }}
{{- end }}
{{- $clusters = append $clusters $cluster }}
{{- end }}
{{- $_ := set $config "kubernetes" (dict "clusterLocatorMethods" (list (dict "type" "config" "clusters" $clusters))) }}
{{- end }}
{{- /* As a later app-config file would: maps merge, the rest (false, [], null) replaces. */}}
{{- toYaml (mustMergeOverwrite $config (deepCopy $v.appConfig)) }}
{{- end }}
