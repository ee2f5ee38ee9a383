// The baseline: the same client, the same lists, nothing else. Prints how many objects it read.
import {loadCatalog} from '../src/catalog/load.js';
import {plannedNeeds} from '../src/engine/gather.js';
import {resourceTypes} from '../src/model/resources.js';
import {KubernetesSource} from '../src/transports/kubernetes.js';
import {loadKubeconfig} from '../src/transports/kubeconfig.js';

const kubeconfig = process.argv[2]!;
const source = new KubernetesSource(loadKubeconfig({kubeconfig}));
const {lists} = plannedNeeds(loadCatalog().checks);
let count = 0;
const queue = [...lists];
await Promise.all(
	Array.from({length: 4}, async () => {
		for (let plural = queue.shift(); plural; plural = queue.shift()) {
			const {items} = await source.list(resourceTypes.get(plural)!);
			count += items.length;
		}
	}),
);
process.stdout.write(`${count}\n`);
