{{/* The chart's name, or nameOverride. */}}
{{- define "serviceclaim-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name of the release's resources: 63 characters at most (a DNS label), and
the release name alone when it already contains the chart name.
*/}}
{{- define "serviceclaim-operator.fullname" -}}
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

{{- define "serviceclaim-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "serviceclaim-operator.labels" -}}
helm.sh/chart: {{ include "serviceclaim-operator.chart" . }}
{{ include "serviceclaim-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dbaas
{{- end }}

{{/* Labels that select the operator's pods: never change them, a Deployment's selector is immutable. */}}
{{- define "serviceclaim-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "serviceclaim-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "serviceclaim-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "serviceclaim-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "serviceclaim-operator.leaseName" -}}
{{- default (include "serviceclaim-operator.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{- define "serviceclaim-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
popPodCidrs as DBAAS_POP_POD_CIDRS reads it: pop=cidr,cidr;pop=cidr (sorted by PoP).
*/}}
{{- define "serviceclaim-operator.popPodCidrs" -}}
{{- $entries := list -}}
{{- range $pop, $cidrs := . -}}
{{- $entries = append $entries (printf "%s=%s" $pop (join "," $cidrs)) -}}
{{- end -}}
{{- join ";" $entries -}}
{{- end }}
