// Demo applications for the seed: a few telephony applications with scenarios, routing rules and
// client users, created through the domain layer so they are validated and audited like API calls.
import type { Executor } from '../src/db/client.js';
import { createApplicationUser } from '../src/domain/application-users.js';
import { createApplication, updateApplication } from '../src/domain/applications.js';
import type { Actor } from '../src/domain/audit.js';
import { createRule } from '../src/domain/rules.js';
import { createScenario } from '../src/domain/scenarios.js';

interface DemoScenario {
  name: string;
  source: string;
}

interface DemoRule {
  name: string;
  pattern: string;
  excludePattern?: string;
  /** Names of the scenarios the rule runs, in order. */
  scenarios: string[];
}

interface DemoUser {
  name: string;
  displayName: string;
  balanceLimit?: string;
  active?: boolean;
}

interface DemoApplication {
  name: string;
  description: string;
  recordCalls: boolean;
  scenarios: DemoScenario[];
  rules: DemoRule[];
  users: DemoUser[];
}

const IVR_MENU = `// Inbound IVR: greet the caller and route by the digit pressed.
const DEPARTMENTS = { 1: 'sales', 2: 'support', 3: 'billing' };

VoxEngine.addEventListener(AppEvents.CallAlerting, (event) => {
  const call = event.call;
  call.answer();
  call.addEventListener(CallEvents.Connected, () => {
    call.say('Press 1 for sales, 2 for support or 3 for billing.', VoiceList.Amazon.en_US_Joanna);
    call.handleTones(true);
  });
  call.addEventListener(CallEvents.ToneReceived, (tone) => {
    const department = DEPARTMENTS[tone.tone];
    if (!department) return call.say('Sorry, that is not an option.', VoiceList.Amazon.en_US_Joanna);
    const agent = VoxEngine.callUser({ username: department, callerid: event.callerid });
    VoxEngine.easyProcess(call, agent);
  });
  call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
});
`;

const VOICEMAIL = `// Records a message when nobody answers within 20 seconds.
require(Modules.Recorder);

VoxEngine.addEventListener(AppEvents.CallAlerting, (event) => {
  const call = event.call;
  call.answer();
  call.addEventListener(CallEvents.Connected, () => {
    call.say('Please leave a message after the tone.', VoiceList.Amazon.en_GB_Amy);
    call.addEventListener(CallEvents.PlaybackFinished, () => call.record({ hd_audio: true }));
  });
  call.addEventListener(CallEvents.RecordStarted, (record) => Logger.write(\`voicemail at \${record.url}\`));
  call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
});
`;

const CALLBACK = `// Outbound callback: dials the customer from the request data, then connects an agent.
VoxEngine.addEventListener(AppEvents.Started, () => {
  const { phone, agent } = JSON.parse(VoxEngine.customData());
  const customer = VoxEngine.callPSTN(phone, '+15550100');
  customer.addEventListener(CallEvents.Connected, () => {
    const operator = VoxEngine.callUser({ username: agent, callerid: phone });
    VoxEngine.easyProcess(customer, operator);
  });
  customer.addEventListener(CallEvents.Failed, () => VoxEngine.terminate());
  customer.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
});
`;

const REMINDER = `// Appointment reminder: reads the time and asks the patient to confirm with 1.
VoxEngine.addEventListener(AppEvents.Started, () => {
  const { phone, when } = JSON.parse(VoxEngine.customData());
  const call = VoxEngine.callPSTN(phone, '+15550111');
  call.addEventListener(CallEvents.Connected, () => {
    call.say(\`This is a reminder of your appointment on \${when}. Press 1 to confirm.\`, VoiceList.Amazon.en_US_Matthew);
    call.handleTones(true);
  });
  call.addEventListener(CallEvents.ToneReceived, (tone) => {
    Logger.write(tone.tone === '1' ? 'confirmed' : \`pressed \${tone.tone}\`);
    call.hangup();
  });
  call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
});
`;

const FORWARD = `// Forwards every call to the on-call engineer's mobile.
VoxEngine.addEventListener(AppEvents.CallAlerting, (event) => {
  const onCall = VoxEngine.callPSTN('+15550199', event.callerid);
  VoxEngine.easyProcess(event.call, onCall);
});
`;

export const DEMO_APPLICATIONS: DemoApplication[] = [
  {
    name: 'Support hotline',
    description: 'Main inbound number with an IVR menu and voicemail after hours',
    recordCalls: true,
    scenarios: [
      { name: 'IVR menu', source: IVR_MENU },
      { name: 'Voicemail', source: VOICEMAIL },
    ],
    rules: [
      { name: 'After hours', pattern: '^\\+1555010[0-9]$', excludePattern: '^\\+15550109$', scenarios: ['Voicemail'] },
      { name: 'US numbers', pattern: '^\\+1\\d{10}$', scenarios: ['IVR menu'] },
      { name: 'Everything else', pattern: '.*', scenarios: ['IVR menu', 'Voicemail'] },
    ],
    users: [
      { name: 'sales', displayName: 'Sales queue', balanceLimit: '500' },
      { name: 'support', displayName: 'Support queue', balanceLimit: '500' },
      { name: 'billing', displayName: 'Billing desk' },
      { name: 'j.doe', displayName: 'Jane Doe', balanceLimit: '75.50' },
    ],
  },
  {
    name: 'Sales callbacks',
    description: 'Calls back leads from the web form and connects a sales agent',
    recordCalls: true,
    scenarios: [{ name: 'Callback', source: CALLBACK }],
    rules: [{ name: 'Web form', pattern: '^callback-', scenarios: ['Callback'] }],
    users: [
      { name: 'agent-anna', displayName: 'Anna Miller', balanceLimit: '120' },
      { name: 'agent-tom', displayName: 'Tom Baker', balanceLimit: '120', active: false },
    ],
  },
  {
    name: 'Appointment reminders',
    description: 'Automated reminder calls for the clinic, one day ahead',
    recordCalls: false,
    scenarios: [{ name: 'Reminder', source: REMINDER }],
    rules: [{ name: 'Reminder batch', pattern: '^reminder-\\d+$', scenarios: ['Reminder'] }],
    users: [],
  },
  {
    name: 'On-call forwarding',
    description: 'Night line for infrastructure alerts',
    recordCalls: false,
    scenarios: [{ name: 'Forward', source: FORWARD }],
    rules: [{ name: 'All calls', pattern: '.*', scenarios: ['Forward'] }],
    users: [{ name: 'oncall', displayName: 'On-call engineer' }],
  },
];

/** Creates the demo applications in the actor's account; returns how many of each thing it made. */
export async function seedDemoApplications(db: Executor, actor: Actor, userPassword: string) {
  const totals = { applications: 0, scenarios: 0, rules: 0, users: 0 };
  for (const demo of DEMO_APPLICATIONS) {
    const application = await createApplication(db, actor, { name: demo.name });
    await updateApplication(db, actor, application.id, { description: demo.description, recordCalls: demo.recordCalls });
    totals.applications += 1;

    const scenarioIds = new Map<string, string>();
    for (const scenario of demo.scenarios) {
      const row = await createScenario(db, actor, application.id, scenario);
      if (!row) throw new Error(`application ${demo.name} vanished while seeding`);
      scenarioIds.set(scenario.name, row.id);
      totals.scenarios += 1;
    }

    for (const rule of demo.rules) {
      const ids = rule.scenarios.map((name) => {
        const id = scenarioIds.get(name);
        if (!id) throw new Error(`rule ${rule.name} names unknown scenario ${name}`);
        return id;
      });
      await createRule(db, actor, application.id, {
        name: rule.name,
        pattern: rule.pattern,
        excludePattern: rule.excludePattern ?? null,
        scenarioIds: ids,
      });
      totals.rules += 1;
    }

    for (const user of demo.users) {
      await createApplicationUser(db, actor, application.id, { ...user, password: userPassword });
      totals.users += 1;
    }
  }
  return totals;
}
