/**
 * Pinned public files, by dataset: every file is a GitHub repository at a fixed commit, a path inside it
 * and the sha256 of its bytes. Nothing else is ever downloaded, and a file whose sha256 differs is refused.
 */

export interface PinnedFile {
  /** `owner/name` on GitHub. */
  repo: string;
  commit: string;
  /** Path inside the repository. */
  path: string;
  sha256: string;
}

export interface DatasetSource {
  /** What the files hold. */
  title: string;
  repo: string;
  commit: string;
  licence: string;
  files: PinnedFile[];
}

export interface Dataset {
  id: string;
  title: string;
  sources: DatasetSource[];
}

const NATS_REPO = 'v-tao/nats-bench-landscape';
const NATS_COMMIT = 'b307ae5fe6e8d7043cd4fe7d1c3532288271adb7';
const HELP_REPO = 'HayeonLee/HELP';
const HELP_COMMIT = '45f70eb92d0d735970a33b608d1544ad3c52f285';

/** HELP's NAS-Bench-201 latency files: device setting -> sha256 of `data/nasbench201/latency/<device>.pt`. */
const HELP_LATENCY_SHA256: Record<string, string> = {
  '1080ti_1': '4028f52b2c2441da126932e3827ae11a7f76d39818c4374c1b9ab9df236e23f4',
  '1080ti_32': 'affce4fcdcf6f28622365995ef2ec018bb07d448add59f80633c0978c393cdea',
  '1080ti_256': '435af0ccfab01f5dc55dc9f2e8b90ca37b396b2656e327bba5ee0b6eb9c24464',
  '2080ti_1': '38cf0e8f698abf8696c69b41a358fe9ddedf5d54cb1ae6f85b04dd8a8f89a1b3',
  '2080ti_32': 'ebc603ad325850663fc56c8e0fde52fadea28e585a8405864baa20f986eaf29d',
  '2080ti_256': 'daee655c44c46955d8318ddf0fa39254e70bab1ae723a6abc53d7b7e4e1561ae',
  titan_rtx_1: 'a854dac331e2a37d7dcd6ee1f63d1bc6d73ead3aeb0a86f803f45ea1b294859e',
  titan_rtx_32: '1258bee5501fe191530b9898a4f55a122ab30beec9c6ea74598c47a0173babed',
  titan_rtx_256: 'cff1fba40b1743d3716cfb74c86ac2463d0682c146f356fa9095ac0d02dfb2a5',
  titanx_1: '3461cc686263bd0ce4d4cd915bfc2fe067deb139cc68da387741bd6443434cb0',
  titanx_32: '9c4ca69131e34451fb1e104caa47efbe12ffec3cc47bf051613674d7af044ff2',
  titanx_256: '04ddb80719515687bd3d722235cd5da821b50bd453a9e580b1e9d321dfb92941',
  titanxp_1: '935aa0041c6592bed90f2f94ff3b4d40e892c066467864b704e6583682a57b20',
  titanxp_32: '4b6db63c7a9fb55177aa2649d70031dd86d2ed1609467ef5803dc1089a73cb1b',
  titanxp_256: '9f03206bc62b0dcfc882820de07f55dc1fb7f43f57dfc977e4f0f4b019cb5041',
  gold_6226: '6a00f63d14f67f8007ec04519f638a90aa6ed5357cf5c0e60c391df37f186c99',
  gold_6240: 'ac6dd41f183de69bba21dec3954ac73333b7dec871e0defbcce0572d82536890',
  silver_4114: '0cce9dc9ba62ad81c21275298a88cb0e4534db6474a878f089df0abb13293421',
  silver_4210r: 'f976049bda39abde94b8f8cac90140cb78a5069fc145c462d6d6bc2f8450727a',
  pixel2: '051845ddefc2bc138f21e2217f6c7827fe280c78375cbfb4b5bd252a888cb950',
  samsung_a50: '0872cb4ec8ecc7ea1b3bd8c98dd705f2d0f6e4940f3af833b313e484de39b155',
  samsung_s7: 'dbae32364b882022adb044b2aa1af77b66f43a180930d9be4d4c13532429f0ea',
  essential_ph_1: 'a97165c8669a216b9ca046041c83a07352bd07f2a42e2d8fea8b51e7ddbcabf0',
  pixel3: 'cf1387da12e06b1d4541ce85f3ca4869d551084e09daf4acf024b6e21a80d465',
  raspi4: '2fae425c50bcaef7aacc5391244cd0af98bfc7fba689a8741e461cb18192f57c',
  eyeriss: '6f1dd2f8c0442289a09ab78e63e49bde96489f6d455cc33d5fa5aed37edb5d03',
  fpga: '6a0333c1476a3ab039d8c39e5d42ac99efe9e7f3ff521289569013fa84233b28',
};

/** The 27 HELP device settings in a stable order (GPUs by batch, CPUs, phones, HW-NAS-Bench devices). */
export const HELP_DEVICES: readonly string[] = Object.keys(HELP_LATENCY_SHA256);

export const NATS_CSV: PinnedFile = {
  repo: NATS_REPO,
  commit: NATS_COMMIT,
  path: 'nats_bench.csv',
  sha256: 'cb5d777ec3368be83c8f9b3aa4d520696051cb0eb8d94b8f85b519f9ea4afa3e',
};

export const HELP_ARCH2IDX: PinnedFile = {
  repo: HELP_REPO,
  commit: HELP_COMMIT,
  path: 'data/nasbench201/str_arch2idx.pt',
  sha256: 'e1d7b7cc7cf51d7c3cd6f9e726e7395bea87d7ba674e26202fb8633f963aef0d',
};

export const HELP_LICENSE: PinnedFile = {
  repo: HELP_REPO,
  commit: HELP_COMMIT,
  path: 'LICENSE',
  sha256: '3c98229c673fb4c782576aa9da6013416cc906a8a38d0d6daf15807c6361f4f5',
};

export function helpLatencyFile(device: string): PinnedFile {
  const sha256 = HELP_LATENCY_SHA256[device];
  if (!sha256) throw new Error(`no HELP latency file for device '${device}'`);
  return { repo: HELP_REPO, commit: HELP_COMMIT, path: `data/nasbench201/latency/${device}.pt`, sha256 };
}

export const DATASETS: readonly Dataset[] = [
  {
    id: 'nb201',
    title: 'NAS-Bench-201: accuracy of 15,625 cells (3 datasets) and measured latency on 27 device settings',
    sources: [
      {
        title: 'NATS-Bench topology accuracies (CIFAR-10, CIFAR-100, ImageNet16-120; 200 epochs, mean over seeds)',
        repo: NATS_REPO,
        commit: NATS_COMMIT,
        licence:
          'no licence file in the repository; NAS-Bench-201/NATS-Bench data are public research data (MIT-licensed benchmark code)',
        files: [NATS_CSV],
      },
      {
        title: 'HELP latency tables: NAS-Bench-201 on 27 device settings (ms)',
        repo: HELP_REPO,
        commit: HELP_COMMIT,
        licence: 'MIT (LICENSE in the repository, fetched with the data)',
        files: [HELP_ARCH2IDX, ...HELP_DEVICES.map(helpLatencyFile), HELP_LICENSE],
      },
    ],
  },
];

export function datasetFiles(ds: Dataset): PinnedFile[] {
  return ds.sources.flatMap((s) => s.files);
}
