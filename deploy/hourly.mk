# SPDX-License-Identifier: Apache-2.0
# Fan-out: the backfill of hour profiles (driftmon profile) and the sharded
# baseline (driftmon baseline --shard), locally in processes side
# by side, or as a Kubernetes Indexed Job (deploy/k8s/jobs/backfill.yaml).
# Included by the Makefile.  FROM and TO are ISO-8601 times (TO default:
# now), SHARDS the number of indexes (default 4).

SHARDS ?= 4
BACKFILL_NAME ?= $(shell date -u +%Y%m%d%H%M%S)
DM_BACKFILL_VARS = FROM='$(FROM)' TO='$(TO)' SHARDS='$(SHARDS)'

# The ConfigMap the deployed pods read is named driftmon-config-<content
# hash> by kustomize, so the Jobs applied out of band take its name from
# the same render `make deploy` applies (OVERLAY, NAMESPACE); a shell
# fragment that sets $$cm.
define dm_configmap
cm=$$($(MAKE) -s --no-print-directory render OVERLAY='$(OVERLAY)' NAMESPACE='$(NAMESPACE)' 2>/dev/null | \
		awk '/^kind: ConfigMap/ { c = 1 } c && /^  name: driftmon-config/ { print $$2; exit }'); \
	[ -n "$$cm" ] || { echo "make: cannot render OVERLAY=$(OVERLAY) to find the driftmon-config ConfigMap's name (make render)" >&2; exit 1; }
endef

define dm_backfill_check
	@test -n '$(FROM)' || { echo "make: FROM=<ISO-8601 time> is required" >&2; exit 2; }
	@case '$(SHARDS)' in ''|*[!0-9]*|0) echo "make: SHARDS must be a positive integer" >&2; exit 2;; esac
endef

backfill-local: $(BIN) ## Hour profiles of FROM..TO (MODEL_NAME, MODEL_VERSION) in SHARDS processes side by side, as the Indexed Job's indexes
	$(dm_backfill_check)
	@pids=; i=0; while [ $$i -lt $(SHARDS) ]; do \
		JOB_COMPLETION_INDEX=$$i JOB_COMPLETIONS=$(SHARDS) $(BIN) profile \
			--model "$(MODEL_NAME)" --version "$(MODEL_VERSION)" \
			--from '$(FROM)' $(if $(TO),--to '$(TO)') & pids="$$pids $$!"; \
		i=$$((i + 1)); \
	done; rc=0; for p in $$pids; do wait $$p || rc=1; done; exit $$rc

backfill-manifest: ## Print the backfill Indexed Job for FROM, TO, SHARDS (IMAGE_REPO:IMAGE_TAG); no cluster needed
	$(dm_backfill_check)
	@$(dm_configmap); sed -e "s|@CONFIGMAP@|$$cm|g" -e 's|@FROM@|$(FROM)|g' -e 's|@TO@|$(if $(TO),$(TO),$(shell date -u +%Y-%m-%dT%H:00Z))|g' \
		-e 's|@SHARDS@|$(SHARDS)|g' -e 's|@NAME@|$(BACKFILL_NAME)|g' \
		-e 's|@IMAGE@|$(IMAGE_REPO):$(IMAGE_TAG)|g' deploy/k8s/jobs/backfill.yaml

backfill: ## Run the backfill Indexed Job in NAMESPACE (FROM, TO, SHARDS; kubectl)
	$(dm_backfill_check)
	@$(MAKE) -s --no-print-directory backfill-manifest $(DM_BACKFILL_VARS) | \
		$(KUBECTL) apply -n '$(NAMESPACE)' -f -

.PHONY: backfill-local backfill-manifest backfill

# Sharded baseline (docs/fanout.md): SHARDS indexes of `driftmon baseline
# --shard`, then `driftmon baseline --merge-partials`.  INPUT: local
# training files or folders (baseline-sharded-local); INPUT_PREFIX: a
# prefix of the store (DRIFTMON_STORE) holding them (local, or the
# cluster's store for the Kubernetes targets).
INPUT ?=
INPUT_PREFIX ?=
DM_BASELINE_VARS = INPUT_PREFIX='$(INPUT_PREFIX)' SHARDS='$(SHARDS)' BACKFILL_NAME='$(BACKFILL_NAME)'

define dm_sharded_check
	@test -n '$(INPUT)$(INPUT_PREFIX)' || { echo "make: INPUT=<files or folder> or INPUT_PREFIX=<store prefix> is required" >&2; exit 2; }
	@case '$(SHARDS)' in ''|*[!0-9]*|0) echo "make: SHARDS must be a positive integer" >&2; exit 2;; esac
endef

baseline-sharded-local: $(BIN) ## Baseline of INPUT / INPUT_PREFIX (MODEL_NAME, MODEL_VERSION) in SHARDS processes side by side, then the merge
	$(dm_sharded_check)
	@pids=; i=0; while [ $$i -lt $(SHARDS) ]; do \
		JOB_COMPLETION_INDEX=$$i JOB_COMPLETIONS=$(SHARDS) $(BIN) baseline \
			--model "$(MODEL_NAME)" --version "$(MODEL_VERSION)" \
			$(foreach f,$(INPUT),--input '$(f)') \
			$(if $(INPUT_PREFIX),--input-prefix '$(INPUT_PREFIX)') \
			--shard job & pids="$$pids $$!"; \
		i=$$((i + 1)); \
	done; rc=0; for p in $$pids; do wait $$p || rc=1; done; \
	[ $$rc -eq 0 ] && $(BIN) baseline --model "$(MODEL_NAME)" \
		--version "$(MODEL_VERSION)" --merge-partials --shards $(SHARDS)

baseline-sharded-manifest: ## Print the sharded-baseline Jobs (Indexed Job + merge) for INPUT_PREFIX, SHARDS; no cluster needed
	@test -n '$(INPUT_PREFIX)' || { echo "make: INPUT_PREFIX=<store prefix of the training files> is required" >&2; exit 2; }
	@case '$(SHARDS)' in ''|*[!0-9]*|0) echo "make: SHARDS must be a positive integer" >&2; exit 2;; esac
	@$(dm_configmap); for f in baseline-sharded baseline-merge; do \
		sed -e "s|@CONFIGMAP@|$$cm|g" -e 's|@INPUT_PREFIX@|$(INPUT_PREFIX)|g' \
		-e 's|@SHARDS@|$(SHARDS)|g' -e 's|@NAME@|$(BACKFILL_NAME)|g' \
		-e 's|@IMAGE@|$(IMAGE_REPO):$(IMAGE_TAG)|g' deploy/k8s/jobs/$$f.yaml; \
		[ $$f = baseline-merge ] || echo ---; \
	done

baseline-sharded: ## Run the sharded baseline in NAMESPACE: Indexed Job, kubectl wait, merge Job (INPUT_PREFIX, SHARDS)
	@$(MAKE) -s --no-print-directory baseline-sharded-manifest $(DM_BASELINE_VARS) | \
		awk 'BEGIN{RS="\n---\n"} NR==1' | $(KUBECTL) apply -n '$(NAMESPACE)' -f -
	$(KUBECTL) wait -n '$(NAMESPACE)' --for=condition=complete --timeout=24h \
		job/driftmon-baseline-shards-$(BACKFILL_NAME)
	@$(MAKE) -s --no-print-directory baseline-sharded-manifest $(DM_BASELINE_VARS) | \
		awk 'BEGIN{RS="\n---\n"} NR==2' | $(KUBECTL) apply -n '$(NAMESPACE)' -f -
	$(KUBECTL) wait -n '$(NAMESPACE)' --for=condition=complete --timeout=1h \
		job/driftmon-baseline-merge-$(BACKFILL_NAME)

.PHONY: baseline-sharded-local baseline-sharded-manifest baseline-sharded
