# SPDX-License-Identifier: Apache-2.0
# Container image and Kubernetes targets (included by the Makefile).
#   make build-images IMAGE_TAG=v0.1      docker, podman or buildah
#   make build-image-offline              no registry: host binary + libs
#   make deploy OVERLAY=dev|prod IMAGE_TAG=v0.1 [MODEL_VERSION=v2]
#   make status | logs | trigger-job | trigger-baseline | undeploy
# Cluster targets respect NAMESPACE and KUBECONFIG and stop at once, with
# one line, when kubectl is missing or no cluster answers.  docs/deploy.md
# goes from nothing to an hourly job on kind or AKS.

IMAGE_REPO ?= driftmon
IMAGE_TAG ?= $(VERSION)
IMAGE_ARCHIVE ?= $(BUILD)/driftmon-image-$(IMAGE_TAG).tar
# docker | podman | buildah; empty: the first that works, in that order
CONTAINER_ENGINE ?=
# extra arguments for the engine's build (e.g. --storage-driver vfs)
ENGINE_FLAGS ?=
# extra arguments for build-offline.sh (e.g. --root DIR --runroot DIR)
OFFLINE_FLAGS ?=
OVERLAY ?= dev
NAMESPACE ?= driftmon
KUBECTL ?= kubectl
ifneq ($(strip $(KUBECONFIG)),)
export KUBECONFIG
endif

# The image name build-images and deploy agree on: IMAGE_REPO:IMAGE_TAG.
DM_IMAGE = $(IMAGE_REPO):$(IMAGE_TAG)
DM_KUBE = OVERLAY='$(OVERLAY)' NAMESPACE='$(NAMESPACE)' KUBECTL='$(KUBECTL)' \
	IMAGE_TAG='$(IMAGE_TAG)' IMAGE_REPO='$(DM_DEPLOY_REPO)' \
	DM_MODEL_NAME='$(call dm_given,MODEL_NAME)' DM_MODEL_VERSION='$(call dm_given,MODEL_VERSION)' \
	K8S_WORK='$(BUILD)/k8s' deploy/k8s/kube.sh
# $(call dm_given,VAR): VAR's value if given on the command line or in the
# environment (not the Makefile's default), else empty.
dm_given = $(if $(filter command line environment,$(origin $(1))),$($(1)))
# deploy uses the overlay's registry unless IMAGE_REPO is given.
DM_DEPLOY_REPO = $(call dm_given,IMAGE_REPO)

.PHONY: build-images build-image-offline render deploy status logs \
	trigger-job trigger-baseline undeploy

build-images: ## Build the container image IMAGE_REPO:IMAGE_TAG (docker, podman or buildah)
	@case '$(IMAGE_TAG)' in ''|latest) echo "driftmon: IMAGE_TAG='$(IMAGE_TAG)' is refused: give an explicit version (make build-images IMAGE_TAG=v0.1)" >&2; exit 1;; esac; \
	engine='$(CONTAINER_ENGINE)'; \
	if [ -z "$$engine" ]; then \
		if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then engine=docker; \
		elif command -v podman >/dev/null 2>&1; then engine=podman; \
		elif command -v buildah >/dev/null 2>&1; then engine=buildah; \
		elif command -v docker >/dev/null 2>&1; then \
			echo "driftmon: docker is installed but no Docker engine answers ('docker info' failed), and neither podman nor buildah is installed: start the engine, install podman or buildah, or build without a registry: make build-image-offline" >&2; exit 1; \
		else \
			echo "driftmon: no container engine: install docker, podman or buildah (Debian: apt-get install podman), or build without a registry: make build-image-offline" >&2; exit 1; \
		fi; \
	fi; \
	command -v "$$engine" >/dev/null 2>&1 || { echo "driftmon: CONTAINER_ENGINE=$$engine is not installed" >&2; exit 1; }; \
	echo "$$engine build -f deploy/docker/Dockerfile -t $(DM_IMAGE) ."; \
	$$engine build $(ENGINE_FLAGS) -f deploy/docker/Dockerfile -t '$(DM_IMAGE)' .

build-image-offline: $(BIN) ## Image without a registry: binary + its libs, buildah FROM scratch (+ IMAGE_ARCHIVE tarball)
	@deploy/docker/build-offline.sh $(OFFLINE_FLAGS) $(if $(IMAGE_ARCHIVE),--archive '$(IMAGE_ARCHIVE)') '$(BIN)' '$(DM_IMAGE)'

render: ## Print the manifests deploy would apply (OVERLAY, NAMESPACE, IMAGE_TAG); no cluster needed
	@$(DM_KUBE) render

deploy: ## Deploy the hourly CronJob, baseline template and collector (OVERLAY=dev|prod, IMAGE_TAG)
	@$(DM_KUBE) deploy

status: ## Check deployment status (CronJob, jobs, pods)
	@$(DM_KUBE) status

logs: ## View the latest detection job's logs
	@$(DM_KUBE) logs

trigger-job: ## Manually trigger drift detection (kubectl create job --from=cronjob/driftmon-detect)
	@$(DM_KUBE) trigger-job

trigger-baseline: ## Run the baseline job in the cluster (MODEL_NAME/MODEL_VERSION from the overlay)
	@$(DM_KUBE) trigger-baseline

undeploy: ## Remove driftmon's workloads from NAMESPACE (DELETE_NAMESPACE=1: the namespace too)
	@$(DM_KUBE) undeploy
