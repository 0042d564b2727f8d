// SPDX-License-Identifier: Apache-2.0
// Offline checks of driftmon's rendered Kubernetes manifests (the output of
// `kubectl kustomize deploy/k8s/overlays/<name>`), used by
// tests/suites/deploy.sh.
//
//   node check-manifests.mjs check --profile base|dev|prod --namespace NS FILE
//       Every object is validated against the Kubernetes API schema of its
//       apiVersion/kind (kubernetes-models' generated validators) plus a
//       strict unknown-field check (the schemas allow extra fields; the API
//       server's strict field validation does not), then against
//       driftmon's deployment policy.  Prints "ok - ..." / "not ok - ..."
//       lines (TAP-like) and exits 1 if any check failed.
//   node check-manifests.mjs selftest FILE
//       Breaks a copy of the manifests in the ways the checks are meant to
//       catch and verifies each one is caught (so the checks can fail).
//   node check-manifests.mjs runspec|podman-args FILE KIND/NAME CONTAINER
//                            [--set KEY=VALUE]...
//       runspec prints, as JSON, how Kubernetes would run that container:
//       image, command, args with $(VAR) expanded from its env, env
//       (ConfigMap values resolved), user, read-only root, emptyDir
//       mounts, ports, probes, resources.  podman-args prints the same as
//       NUL-separated `podman run` arguments, which the suite runs.
//       --set changes a value of the container's ConfigMap first.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const POD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition"]);
const REQUIRED_CONFIG = ["DRIFTMON_STORE", "MODEL_NAME", "MODEL_VERSION", "TRAINING_DATA", "DRIFT_PSI_THRESHOLD", "DRIFT_ANALYSIS_WINDOW_HOURS", "DRIFT_MIN_SAMPLES", "DRIFT_SCORE_CRITICAL_THRESHOLD"];

function load(file) {
	const docs = parseAllDocuments(readFileSync(file, "utf8"));
	const out = [];
	for (const d of docs) {
		if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
		const o = d.toJS();
		if (o) out.push(o);
	}
	return out;
}

const id = (o) => `${o.kind}/${o.metadata?.name}`;

// ---- schema validation -------------------------------------------------

function schemaName(apiVersion, kind) {
	const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
	const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
	return `IoK8sApi${cap(group.split(".")[0])}${cap(version)}${kind}`;
}

// Wraps data in proxies that record which own properties the validator
// reads.  A generated validator reads every property its schema declares
// (and every entry of a map), so a property it never read is unknown.
function tracked(root) {
	const seen = new Map();
	const proxies = new WeakMap();
	const wrap = (v) => {
		if (v === null || typeof v !== "object") return v;
		if (proxies.has(v)) return proxies.get(v);
		const p = new Proxy(v, {
			get(t, prop, recv) {
				if (typeof prop === "string" && Object.prototype.hasOwnProperty.call(t, prop)) {
					if (!seen.has(t)) seen.set(t, new Set());
					seen.get(t).add(prop);
				}
				return wrap(Reflect.get(t, prop, recv));
			},
		});
		proxies.set(v, p);
		return p;
	};
	return { proxy: wrap(root), seen };
}

function unknownFields(node, seen, path, out) {
	if (Array.isArray(node)) {
		node.forEach((v, i) => unknownFields(v, seen, `${path}[${i}]`, out));
	} else if (node && typeof node === "object") {
		const read = seen.get(node) || new Set();
		for (const k of Object.keys(node)) {
			if (!read.has(k)) out.push(`${path}.${k}`);
			else unknownFields(node[k], seen, `${path}.${k}`, out);
		}
	}
	return out;
}

async function validateSchema(o) {
	if (!o.apiVersion || !o.kind) return ["missing apiVersion or kind"];
	let mod;
	try {
		mod = await import(`kubernetes-models/_schemas/${schemaName(o.apiVersion, o.kind)}`);
	} catch {
		return [`no API schema for ${o.apiVersion} ${o.kind}`];
	}
	const { proxy, seen } = tracked(o);
	const errs = [];
	if (!mod.validate(proxy)) {
		for (const e of mod.validate.errors || [])
			errs.push(`${e.instancePath || "/"} ${e.message || e.keyword} ${JSON.stringify(e.params)}`);
	}
	// apiVersion/kind/status are read by the validator like any field.
	for (const f of unknownFields(o, seen, "", [])) errs.push(`unknown field ${f}`);
	return errs;
}

// ---- helpers -------------------------------------------------------------

function podSpecOf(o) {
	switch (o.kind) {
	case "CronJob": return o.spec?.jobTemplate?.spec?.template?.spec;
	case "Pod": return o.spec;
	default: return o.spec?.template?.spec;
	}
}

function podLabelsOf(o) {
	switch (o.kind) {
	case "CronJob": return o.spec?.jobTemplate?.spec?.template?.metadata?.labels || {};
	case "Pod": return o.metadata?.labels || {};
	default: return o.spec?.template?.metadata?.labels || {};
	}
}

const allContainers = (ps) => [...(ps?.initContainers || []), ...(ps?.containers || [])];

// Kubernetes quantities to numbers (bytes or cores).
function quantity(q) {
	const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q));
	if (!m) return NaN;
	const mult = { "": 1, m: 1e-3, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 }[m[2]];
	return mult === undefined ? NaN : Number(m[1]) * mult;
}

function isDriftmonImage(image) {
	return /(^|\/)driftmon(:|@|$)/.test(image || "");
}

function imageTagProblem(image) {
	if (!image) return "no image";
	if (image.includes("@sha256:")) return null;
	const last = image.split("/").pop();
	if (!last.includes(":")) return `image '${image}' has no tag (means latest)`;
	if (last.endsWith(":latest")) return `image '${image}' uses the latest tag`;
	return null;
}

// The env a container sees, as Kubernetes builds it: envFrom in order,
// then env (later wins); values may use $(VAR) of earlier variables.
function containerEnv(c, objs, ns) {
	const env = {};
	const missing = [];
	const cm = (name) => objs.find((x) => x.kind === "ConfigMap" && x.metadata.name === name && (x.metadata.namespace || ns) === ns);
	for (const src of c.envFrom || []) {
		if (src.configMapRef) {
			const m = cm(src.configMapRef.name);
			if (!m) { if (!src.configMapRef.optional) missing.push(`ConfigMap ${src.configMapRef.name}`); continue; }
			for (const [k, v] of Object.entries(m.data || {})) env[(src.prefix || "") + k] = String(v);
		} else if (src.secretRef && !src.secretRef.optional) {
			missing.push(`Secret ${src.secretRef.name} (required)`);
		}
	}
	for (const e of c.env || []) {
		if (e.value !== undefined) env[e.name] = expand(String(e.value), env);
		else if (e.valueFrom?.configMapKeyRef) {
			const r = e.valueFrom.configMapKeyRef;
			const m = cm(r.name);
			if (m && m.data && r.key in m.data) env[e.name] = String(m.data[r.key]);
			else if (!r.optional) missing.push(`ConfigMap ${r.name} key ${r.key}`);
		} else if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) {
			missing.push(`Secret ${e.valueFrom.secretKeyRef.name} (required)`);
		}
	}
	return { env, missing };
}

// Kubernetes' $(VAR) expansion: $$ is a literal $, an undefined $(VAR)
// stays as it is.
function expand(s, env) {
	return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) =>
		m === "$$" ? "$" : name in env ? env[name] : m);
}

// ---- policy ----------------------------------------------------------------

function policy(objs, profile, ns) {
	const res = []; // [name, problems[]]
	const check = (name, problems) => res.push([name, problems.filter(Boolean)]);
	const byKind = (k) => objs.filter((o) => o.kind === k);

	check("no Secret objects in the manifests (credentials are never committed)",
		byKind("Secret").map((o) => `${id(o)} is rendered`));
	check(`every namespaced object is in namespace ${ns}`,
		objs.filter((o) => !CLUSTER_SCOPED.has(o.kind) && o.metadata?.namespace !== ns).map((o) => `${id(o)} in '${o.metadata?.namespace}'`));
	check("every object is labelled app.kubernetes.io/part-of=driftmon",
		objs.filter((o) => o.metadata?.labels?.["app.kubernetes.io/part-of"] !== "driftmon").map(id));
	const nsObj = byKind("Namespace").find((o) => o.metadata.name === ns);
	check("the namespace enforces Pod Security 'restricted'",
		[!nsObj && "no Namespace object", nsObj && nsObj.metadata.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted" && "enforce label is not restricted"]);

	const workloads = objs.filter((o) => POD_KINDS.has(o.kind));
	check("there are workloads", [workloads.length === 0 && "none"]);
	for (const w of workloads) {
		const ps = podSpecOf(w) || {};
		const psc = ps.securityContext || {};
		const cs = allContainers(ps);
		const p = [];
		for (const c of cs) {
			const t = imageTagProblem(c.image);
			if (t) p.push(`${c.name}: ${t}`);
		}
		check(`${id(w)}: images have an explicit version tag (no latest)`, p);

		check(`${id(w)}: requests and limits for cpu and memory, requests <= limits`, cs.flatMap((c) => {
			const r = c.resources || {};
			const out = [];
			for (const k of ["cpu", "memory"]) {
				if (!r.requests?.[k]) out.push(`${c.name}: no requests.${k}`);
				if (!r.limits?.[k]) out.push(`${c.name}: no limits.${k}`);
				if (r.requests?.[k] && r.limits?.[k] && !(quantity(r.requests[k]) <= quantity(r.limits[k])))
					out.push(`${c.name}: requests.${k} ${r.requests[k]} > limits.${k} ${r.limits[k]}`);
			}
			return out;
		}));

		check(`${id(w)}: runs as non-root`, cs.flatMap((c) => {
			const sc = c.securityContext || {};
			const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
			const uid = sc.runAsUser ?? psc.runAsUser;
			return [nonRoot !== true && `${c.name}: runAsNonRoot is not true`, uid === 0 && `${c.name}: runAsUser 0`];
		}));
		check(`${id(w)}: read-only root filesystem, no privilege escalation, all capabilities dropped`, cs.flatMap((c) => {
			const sc = c.securityContext || {};
			return [
				sc.readOnlyRootFilesystem !== true && `${c.name}: readOnlyRootFilesystem is not true`,
				sc.allowPrivilegeEscalation !== false && `${c.name}: allowPrivilegeEscalation is not false`,
				sc.privileged && `${c.name}: privileged`,
				!(sc.capabilities?.drop || []).includes("ALL") && `${c.name}: capabilities.drop lacks ALL`,
				(sc.capabilities?.add || []).length > 0 && `${c.name}: adds capabilities ${sc.capabilities.add}`,
			];
		}));
		check(`${id(w)}: seccomp RuntimeDefault`, cs.map((c) =>
			(c.securityContext?.seccompProfile?.type ?? psc.seccompProfile?.type) !== "RuntimeDefault" && `${c.name}: seccomp profile is not RuntimeDefault`));
		check(`${id(w)}: no host namespaces, no hostPath, no API token mounted`, [
			ps.hostNetwork && "hostNetwork", ps.hostPID && "hostPID", ps.hostIPC && "hostIPC",
			...(ps.volumes || []).filter((v) => v.hostPath).map((v) => `hostPath volume ${v.name}`),
			ps.automountServiceAccountToken !== false && "automountServiceAccountToken is not false",
		]);
		const vols = new Set((ps.volumes || []).map((v) => v.name));
		check(`${id(w)}: volume mounts name existing volumes; a writable emptyDir on /tmp for driftmon`, cs.flatMap((c) => [
			...(c.volumeMounts || []).filter((m) => !vols.has(m.name)).map((m) => `${c.name}: mount ${m.name} has no volume`),
			isDriftmonImage(c.image) && !(c.volumeMounts || []).some((m) => m.mountPath === "/tmp" && (ps.volumes || []).find((v) => v.name === m.name)?.emptyDir) && `${c.name}: no emptyDir on /tmp`,
		]));

		const labels = podLabelsOf(w);
		if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(w.kind)) {
			const sel = w.spec?.selector?.matchLabels || {};
			check(`${id(w)}: selector matches the pod template's labels`,
				Object.keys(sel).length === 0 ? ["empty selector"] : Object.entries(sel).filter(([k, v]) => labels[k] !== v).map(([k, v]) => `${k}=${v} not on the template`));
			check(`${id(w)}: readiness and liveness probes`, cs.filter((c) => !(ps.initContainers || []).includes(c)).flatMap((c) => [
				!c.readinessProbe && `${c.name}: no readinessProbe`, !c.livenessProbe && `${c.name}: no livenessProbe`]));
			if (cs.some((c) => isDriftmonImage(c.image))) {
				// readiness: /readyz (or /healthz, the same answer); liveness:
				// /livez (or /healthz): docs/logger.md, the collector's probes
				const paths = { readinessProbe: ["/readyz", "/healthz"], livenessProbe: ["/livez", "/healthz"] };
				check(`${id(w)}: driftmon's probes are HTTP GET /readyz, /livez or /healthz on a declared port`, cs.filter((c) => isDriftmonImage(c.image)).flatMap((c) =>
					["readinessProbe", "livenessProbe"].map((k) => {
						const g = c[k]?.httpGet;
						if (!g || !paths[k].includes(g.path)) return `${c.name}: ${k} is not httpGet ${paths[k].join(" or ")}`;
						const ok = (c.ports || []).some((p) => p.name === g.port || p.containerPort === g.port);
						return !ok && `${c.name}: ${k} port ${g.port} is not a container port`;
					})));
			}
		}
		if (w.kind === "CronJob") {
			const s = w.spec || {};
			const j = s.jobTemplate?.spec || {};
			check(`${id(w)}: Forbid concurrency, starting deadline, history limits, active deadline, backoff limit`, [
				s.concurrencyPolicy !== "Forbid" && `concurrencyPolicy ${s.concurrencyPolicy}`,
				!(s.startingDeadlineSeconds > 0) && "no startingDeadlineSeconds",
				s.successfulJobsHistoryLimit === undefined && "no successfulJobsHistoryLimit",
				s.failedJobsHistoryLimit === undefined && "no failedJobsHistoryLimit",
				!(j.activeDeadlineSeconds > 0) && "no activeDeadlineSeconds",
				j.backoffLimit === undefined && "no backoffLimit",
				!["Never", "OnFailure"].includes(ps.restartPolicy) && `restartPolicy ${ps.restartPolicy}`,
			]);
		}
		for (const c of cs.filter((c) => isDriftmonImage(c.image))) {
			const { env, missing } = containerEnv(c, objs, ns);
			const unresolved = [...(c.command || []), ...(c.args || [])].map((a) => expand(a, env)).filter((a) => /\$\([A-Za-z_]/.test(a));
			check(`${id(w)}/${c.name}: env from ConfigMap resolves; every $(VAR) in args is defined`, [
				...missing.map((m) => `missing ${m}`),
				...unresolved.map((a) => `unresolved '${a}'`),
				...REQUIRED_CONFIG.filter((k) => !(k in env)).map((k) => `no ${k}`),
			]);
			check(`${id(w)}/${c.name}: storage credentials only from an optional Secret reference`, [
				!(c.envFrom || []).some((s) => s.secretRef?.name === "driftmon-storage" && s.secretRef.optional === true) && "no optional secretRef driftmon-storage",
				...Object.keys(env).filter((k) => /KEY|TOKEN|PASSWORD|CONNECTION_STRING|SAS/i.test(k)).map((k) => `credential-like variable ${k} set in plain config`),
			]);
			if (profile === "prod")
				check(`${id(w)}: pods opt in to Azure Workload Identity`, [labels["azure.workload.identity/use"] !== "true" && "no label azure.workload.identity/use=\"true\""]);
		}
	}

	for (const svc of byKind("Service")) {
		const sel = svc.spec?.selector || {};
		const target = workloads.find((w) => Object.keys(sel).length && Object.entries(sel).every(([k, v]) => podLabelsOf(w)[k] === v));
		check(`${id(svc)}: selects a workload and targets a declared port`, !target ? ["selects no workload"] : (svc.spec.ports || []).map((p) =>
			typeof p.targetPort === "string" && !allContainers(podSpecOf(target)).some((c) => (c.ports || []).some((cp) => cp.name === p.targetPort)) && `targetPort ${p.targetPort} is not a container port of ${id(target)}`));
	}

	const detect = workloads.find((o) => o.kind === "CronJob" && o.metadata.name === "driftmon-detect");
	check("CronJob driftmon-detect runs hourly ('0 * * * *') and is not suspended",
		!detect ? ["missing"] : [detect.spec.schedule !== "0 * * * *" && `schedule '${detect.spec.schedule}'`, detect.spec.suspend && "suspended"]);
	const base = workloads.find((o) => o.kind === "CronJob" && o.metadata.name === "driftmon-baseline");
	check("baseline Job template (CronJob driftmon-baseline) is suspended: runs only when triggered",
		!base ? ["missing"] : [base.spec.suspend !== true && "not suspended"]);
	const coll = workloads.find((o) => o.kind === "Deployment" && o.metadata.name === "driftmon-collector");
	check("collector Deployment runs `driftmon collect` behind a Service",
		[!coll && "no Deployment driftmon-collector", coll && (coll.spec.template.spec.containers[0].args || [])[0] !== "collect" && "args do not start with collect",
			!byKind("Service").some((s) => s.metadata.name === "driftmon-collector") && "no Service driftmon-collector"]);
	const sa = byKind("ServiceAccount").find((o) => o.metadata.name === "driftmon");
	check("every driftmon pod uses ServiceAccount driftmon",
		[!sa && "no ServiceAccount driftmon", ...workloads.filter((w) => allContainers(podSpecOf(w)).some((c) => isDriftmonImage(c.image)) && podSpecOf(w).serviceAccountName !== "driftmon").map(id)]);

	const cfg = byKind("ConfigMap").find((o) => o.metadata.name.startsWith("driftmon-config"));
	const store = cfg?.data?.DRIFTMON_STORE || "";
	if (profile === "prod") {
		const cid = sa?.metadata?.annotations?.["azure.workload.identity/client-id"] || "";
		check("prod: ServiceAccount carries the Workload Identity client-id annotation (a GUID)",
			[!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(cid) && `client-id '${cid}'`]);
		check("prod: Azure Blob store and account configured", [
			!/^(az:\/\/|https:\/\/[a-z0-9]+\.blob\.core\.windows\.net\/)/.test(store) && `DRIFTMON_STORE '${store}'`,
			!cfg?.data?.AZURE_STORAGE_ACCOUNT && /^az:/.test(store) && "no AZURE_STORAGE_ACCOUNT"]);
		check("prod: the collector survives a node drain (2+ replicas and a PodDisruptionBudget)", [
			!(coll?.spec?.replicas >= 2) && `replicas ${coll?.spec?.replicas}`,
			!byKind("PodDisruptionBudget").some((p) => p.metadata.name === "driftmon-collector") && "no PodDisruptionBudget"]);
	}
	if (profile === "dev") {
		check("dev: azurite Deployment and Service in the cluster, and the store points at it", [
			!byKind("Deployment").some((d) => d.metadata.name === "azurite") && "no azurite Deployment",
			!byKind("Service").some((d) => d.metadata.name === "azurite") && "no azurite Service",
			!store.startsWith("http://azurite:10000/") && `DRIFTMON_STORE '${store}'`]);
	}
	return res;
}

// ---- commands ------------------------------------------------------------

async function checkAll(objs, profile, ns) {
	const results = [];
	for (const o of objs) {
		const errs = await validateSchema(o);
		results.push([`${id(o)} validates against the ${o.apiVersion} ${o.kind} schema (strict fields)`, errs]);
	}
	return results.concat(policy(objs, profile, ns));
}

function arg(args, name, dflt) {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : dflt;
}

async function main() {
	const [cmd, ...args] = process.argv.slice(2);
	if (cmd === "check") {
		const file = args[args.length - 1];
		const results = await checkAll(load(file), arg(args, "--profile", "base"), arg(args, "--namespace", "driftmon"));
		let bad = 0;
		for (const [name, problems] of results) {
			if (problems.length) { bad++; console.log(`not ok - ${name}: ${problems.join("; ")}`); }
			else console.log(`ok - ${name}`);
		}
		process.exit(bad ? 1 : 0);
	} else if (cmd === "selftest") {
		// Each mutation must make at least one check fail.
		const fresh = () => load(args[0]);
		const cron = (objs, n) => objs.find((o) => o.kind === "CronJob" && o.metadata.name === n);
		const detectC = (objs) => cron(objs, "driftmon-detect").spec.jobTemplate.spec.template.spec.containers[0];
		const coll = (objs) => objs.find((o) => o.metadata.name === "driftmon-collector" && o.kind === "Deployment").spec.template.spec;
		const mutations = {
			"image tag latest": (o) => { detectC(o).image = "driftmon:latest"; },
			"image without a tag": (o) => { detectC(o).image = "driftmon"; },
			"memory limit removed": (o) => { delete detectC(o).resources.limits.memory; },
			"runAsNonRoot false": (o) => { cron(o, "driftmon-detect").spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot = false; detectC(o).securityContext.runAsNonRoot = false; },
			"writable root filesystem": (o) => { detectC(o).securityContext.readOnlyRootFilesystem = false; },
			"capability added": (o) => { detectC(o).securityContext.capabilities.add = ["NET_ADMIN"]; },
			"readiness probe removed": (o) => { delete coll(o).containers[0].readinessProbe; },
			"liveness probe on another path": (o) => { coll(o).containers[0].livenessProbe.httpGet.path = "/"; },
			"concurrencyPolicy Allow": (o) => { cron(o, "driftmon-detect").spec.concurrencyPolicy = "Allow"; },
			"schedule every minute": (o) => { cron(o, "driftmon-detect").spec.schedule = "* * * * *"; },
			"unknown field (typo)": (o) => { detectC(o).securityContex = {}; },
			"wrong type": (o) => { cron(o, "driftmon-detect").spec.jobTemplate.spec.backoffLimit = "two"; },
			"bad quantity": (o) => { detectC(o).resources.requests.memory = "128 MB"; },
			"Secret committed": (o) => { o.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "driftmon-storage", namespace: "driftmon", labels: { "app.kubernetes.io/part-of": "driftmon" } }, stringData: { AZURE_STORAGE_KEY: "x" } }); },
			"args use an undefined variable": (o) => { detectC(o).args.push("$(NO_SUCH_VAR)"); },
			"hostPath volume": (o) => { cron(o, "driftmon-detect").spec.jobTemplate.spec.template.spec.volumes.push({ name: "h", hostPath: { path: "/" } }); },
		};
		const baseline = await checkAll(fresh(), "base", "driftmon");
		const baseBad = baseline.filter(([, p]) => p.length).length;
		let bad = 0;
		console.log(`${baseBad ? "not ok" : "ok"} - selftest: the unmodified manifests pass (${baseline.length} checks)`);
		if (baseBad) bad++;
		for (const [name, mutate] of Object.entries(mutations)) {
			const objs = fresh();
			mutate(objs);
			const failed = (await checkAll(objs, "base", "driftmon")).filter(([, p]) => p.length);
			if (failed.length) console.log(`ok - selftest: '${name}' is caught (${failed[0][0]}: ${failed[0][1][0]})`);
			else { bad++; console.log(`not ok - selftest: '${name}' is NOT caught`); }
		}
		process.exit(bad ? 1 : 0);
	} else if (cmd === "runspec" || cmd === "podman-args") {
		const [file, ref, cname] = args;
		const sets = args.flatMap((a, i) => (args[i - 1] === "--set" ? [a] : []));
		const objs = load(file);
		const [kind, name] = ref.split("/");
		const w = objs.find((o) => o.kind === kind && o.metadata.name === name);
		if (!w) throw new Error(`no ${ref} in ${file}`);
		const ps = podSpecOf(w);
		const c = allContainers(ps).find((x) => x.name === cname);
		if (!c) throw new Error(`no container ${cname} in ${ref}`);
		const ns = w.metadata.namespace;
		// --set K=V changes a ConfigMap value before anything is expanded,
		// as an overlay would.
		for (const kv of sets) {
			const m = objs.find((o) => o.kind === "ConfigMap" && (c.envFrom || []).some((e) => e.configMapRef?.name === o.metadata.name));
			if (!m) throw new Error(`${ref}/${cname} reads no ConfigMap to --set ${kv} in`);
			m.data[kv.slice(0, kv.indexOf("="))] = kv.slice(kv.indexOf("=") + 1);
		}
		const { env } = containerEnv(c, objs, ns);
		const sc = { ...(ps.securityContext || {}), ...(c.securityContext || {}) };
		const emptyDirs = (c.volumeMounts || []).map((m) => ({ m, v: (ps.volumes || []).find((v) => v.name === m.name) }))
			.filter(({ v }) => v?.emptyDir).map(({ m, v }) => ({ path: m.mountPath, sizeLimit: v.emptyDir.sizeLimit || null, bytes: v.emptyDir.sizeLimit ? quantity(v.emptyDir.sizeLimit) : null }));
		const spec = {
			image: c.image,
			command: c.command ? c.command.map((a) => expand(a, env)) : null,
			args: (c.args || []).map((a) => expand(a, env)),
			env,
			workingDir: c.workingDir || null,
			runAsUser: sc.runAsUser ?? null,
			runAsGroup: sc.runAsGroup ?? null,
			readOnlyRootFilesystem: sc.readOnlyRootFilesystem === true,
			emptyDirs,
			ports: c.ports || [],
			readinessProbe: c.readinessProbe || null,
			livenessProbe: c.livenessProbe || null,
			limits: { memory: c.resources?.limits?.memory ? quantity(c.resources.limits.memory) : null, cpu: c.resources?.limits?.cpu ? quantity(c.resources.limits.cpu) : null },
			requests: { memory: c.resources?.requests?.memory ? quantity(c.resources.requests.memory) : null, cpu: c.resources?.requests?.cpu ? quantity(c.resources.requests.cpu) : null },
		};
		if (cmd === "runspec") {
			console.log(JSON.stringify(spec, null, 1));
			return;
		}
		// podman run arguments (NUL-separated) that reproduce the pod's
		// container: user, read-only root with only its emptyDirs writable,
		// no capabilities, no new privileges, its memory and CPU limits,
		// its env, entrypoint/command and args.
		const out = [];
		if (spec.runAsUser !== null) out.push("--user", `${spec.runAsUser}:${spec.runAsGroup ?? spec.runAsUser}`);
		if (spec.readOnlyRootFilesystem) out.push("--read-only", "--read-only-tmpfs=false");
		for (const d of spec.emptyDirs) out.push("--tmpfs", `${d.path}:rw,mode=1777${d.bytes ? `,size=${d.bytes}` : ""}`);
		if ((c.securityContext?.capabilities?.drop || []).includes("ALL")) out.push("--cap-drop", "ALL");
		if (c.securityContext?.allowPrivilegeEscalation === false) out.push("--security-opt", "no-new-privileges");
		if (spec.limits.memory) out.push("--memory", String(spec.limits.memory), "--memory-swap", String(spec.limits.memory));
		if (spec.limits.cpu) out.push("--cpus", String(spec.limits.cpu));
		if (spec.workingDir) out.push("--workdir", spec.workingDir);
		for (const [k, v] of Object.entries(spec.env)) out.push("--env", `${k}=${v}`);
		if (spec.command) out.push("--entrypoint", JSON.stringify(spec.command));
		out.push(spec.image, ...spec.args);
		process.stdout.write(out.map((a) => a + "\0").join(""));
	} else {
		console.error("usage: check-manifests.mjs check|selftest|runspec ...");
		process.exit(2);
	}
}

main().catch((e) => { console.error(`check-manifests: ${e.message}`); process.exit(2); });
