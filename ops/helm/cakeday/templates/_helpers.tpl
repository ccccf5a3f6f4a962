{{/* The chart's name, or nameOverride. */}}
{{- define "cakeday.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The objects' name: fullnameOverride, or the release name with the chart's unless it has it. */}}
{{- define "cakeday.fullname" -}}
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

{{- define "cakeday.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cakeday.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "cakeday.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "cakeday.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The Secret the settings come from: the operator's own, or the one this chart creates. */}}
{{- define "cakeday.secretName" -}}
{{- .Values.existingSecret | default (include "cakeday.fullname" .) }}
{{- end }}

{{/* database.url with database.parameters added as JDBC URL parameters. */}}
{{- define "cakeday.datasourceUrl" -}}
{{- $url := .Values.database.url }}
{{- $params := list }}
{{- range $key, $value := .Values.database.parameters }}
{{- $params = append $params (printf "%s=%v" $key $value) }}
{{- end }}
{{- if $params }}
{{- printf "%s%s%s" $url (ternary "&" "?" (contains "?" $url)) (join "&" $params) }}
{{- else }}
{{- $url }}
{{- end }}
{{- end }}

{{/* The container port health, info and metrics are served on. */}}
{{- define "cakeday.managementPortName" -}}
{{- ternary "management" "http" (gt (int .Values.managementPort) 0) }}
{{- end }}
