/**
 * The Pod Security Standards' `restricted` profile (with the baseline checks it includes), as the admission plugin
 * applies it to a pod spec, for tests of the pods the program creates. Read in kubernetes/pod-security-admission
 * policy/ (registry.go: restricted = baseline with four checks overridden; visitor.go: init, regular and ephemeral
 * containers alike): check_hostNamespaces.go, check_privileged.go, check_hostPorts.go, check_hostPathVolumes.go and
 * check_restrictedVolumes.go, check_allowPrivilegeEscalation.go, check_capabilities_restricted.go,
 * check_runAsNonRoot.go, check_runAsUser.go, check_seccompProfile_restricted.go, check_procMount.go,
 * check_sysctls.go, check_seLinuxOptions.go.
 */

const ALLOWED_VOLUMES = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];
const SAFE_SYSCTLS = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range"];

/** What `restricted` refuses in `spec` (a pod template's spec, as the program registers it); empty when it admits it. */
export function restrictedViolations(spec: any): string[] {
    const problems: string[] = [];
    const pod = spec.securityContext ?? {};
    const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
    for (const key of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[key]) problems.push(`${key} is set`);
    for (const volume of spec.volumes ?? []) {
        const kind = Object.keys(volume).find((k) => k !== "name");
        if (!kind || !ALLOWED_VOLUMES.includes(kind)) problems.push(`volume ${volume.name} is a ${kind}`);
    }
    for (const sysctl of pod.sysctls ?? []) if (!SAFE_SYSCTLS.includes(sysctl.name)) problems.push(`sysctl ${sysctl.name}`);
    // runAsNonRoot: true on the pod (inherited) or on every container, and false nowhere.
    if (pod.runAsNonRoot === false) problems.push("the pod sets runAsNonRoot: false");
    if (pod.runAsUser === 0) problems.push("the pod runs as user 0");
    const podSeccomp = pod.seccompProfile?.type;
    if (podSeccomp !== undefined && !["RuntimeDefault", "Localhost"].includes(podSeccomp))
        problems.push(`the pod's seccomp is ${podSeccomp}`);
    for (const c of containers) {
        const sc = c.securityContext ?? {};
        const name = `container ${c.name}`;
        if (sc.privileged) problems.push(`${name} is privileged`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${name} does not set allowPrivilegeEscalation: false`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${name} does not drop ALL capabilities`);
        for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") problems.push(`${name} adds ${cap}`);
        if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && pod.runAsNonRoot !== true)) problems.push(`${name} may run as root`);
        if (sc.runAsUser === 0) problems.push(`${name} runs as user 0`);
        const seccomp = sc.seccompProfile?.type ?? podSeccomp;
        if (!["RuntimeDefault", "Localhost"].includes(seccomp)) problems.push(`${name} has no RuntimeDefault or Localhost seccomp profile`);
        if (sc.procMount !== undefined && sc.procMount !== "Default") problems.push(`${name} sets procMount ${sc.procMount}`);
        for (const port of c.ports ?? []) if (port.hostPort) problems.push(`${name} uses host port ${port.hostPort}`);
        const selinux = sc.seLinuxOptions;
        if (selinux?.user || selinux?.role) problems.push(`${name} sets an SELinux user or role`);
    }
    return problems;
}
