# SPDX-License-Identifier: Apache-2.0
# Hour profiles: the backfill (driftmon profile) locally in processes side
# by side, or as a Kubernetes Indexed Job (deploy/k8s/jobs/backfill.yaml).
# Included by the Makefile.  FROM and TO are ISO-8601 times (TO default:
# now), SHARDS the number of indexes (default 4).

SHARDS ?= 4
BACKFILL_NAME ?= $(shell date -u +%Y%m%d%H%M%S)
DM_BACKFILL_VARS = FROM='$(FROM)' TO='$(TO)' SHARDS='$(SHARDS)'

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
	@sed -e 's|@FROM@|$(FROM)|g' -e 's|@TO@|$(if $(TO),$(TO),$(shell date -u +%Y-%m-%dT%H:00Z))|g' \
		-e 's|@SHARDS@|$(SHARDS)|g' -e 's|@NAME@|$(BACKFILL_NAME)|g' \
		-e 's|@IMAGE@|$(IMAGE_REPO):$(IMAGE_TAG)|g' deploy/k8s/jobs/backfill.yaml

backfill: ## Run the backfill Indexed Job in NAMESPACE (FROM, TO, SHARDS; kubectl)
	$(dm_backfill_check)
	@$(MAKE) -s --no-print-directory backfill-manifest $(DM_BACKFILL_VARS) | \
		$(KUBECTL) apply -n '$(NAMESPACE)' -f -

.PHONY: backfill-local backfill-manifest backfill
