// Word pools the generators draw from. Ordered by frequency where the generator skews towards
// the front (names), so common names come up as often as they do in a real customer list.

export const FIRST_NAMES = [
  'James', 'Mary', 'Michael', 'Patricia', 'John', 'Jennifer', 'Robert', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Karen', 'Christopher', 'Sarah',
  'Charles', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Sandra', 'Anthony', 'Betty', 'Mark', 'Ashley',
  'Donald', 'Emily', 'Steven', 'Kimberly', 'Andrew', 'Margaret', 'Paul', 'Donna', 'Joshua', 'Michelle',
  'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'Timothy', 'Deborah', 'Ronald', 'Stephanie',
  'George', 'Rebecca', 'Jason', 'Sharon', 'Edward', 'Laura', 'Jeffrey', 'Cynthia', 'Ryan', 'Dorothy',
  'Jacob', 'Amy', 'Nicholas', 'Kathleen', 'Gary', 'Angela', 'Eric', 'Shirley', 'Jonathan', 'Emma',
  'Stephen', 'Brenda', 'Larry', 'Pamela', 'Justin', 'Nicole', 'Scott', 'Anna', 'Brandon', 'Samantha',
  'Benjamin', 'Katherine', 'Samuel', 'Christine', 'Gregory', 'Debra', 'Alexander', 'Rachel', 'Patrick', 'Carolyn',
  'Frank', 'Janet', 'Raymond', 'Maria', 'Jack', 'Olivia', 'Dennis', 'Heather', 'Jerry', 'Helen',
  'Tyler', 'Catherine', 'Aaron', 'Diane', 'Jose', 'Julie', 'Adam', 'Victoria', 'Nathan', 'Joyce',
  'Henry', 'Lauren', 'Zachary', 'Kelly', 'Douglas', 'Christina', 'Peter', 'Ruth', 'Kyle', 'Joan',
  'Noah', 'Virginia', 'Ethan', 'Judith', 'Jeremy', 'Evelyn', 'Christian', 'Hannah', 'Walter', 'Andrea',
  'Keith', 'Megan', 'Austin', 'Cheryl', 'Roger', 'Jacqueline', 'Terry', 'Madison', 'Sean', 'Sophia',
  'Gerald', 'Abigail', 'Carl', 'Teresa', 'Dylan', 'Isabella', 'Harold', 'Sara', 'Jordan', 'Janice',
  'Jesse', 'Martha', 'Bryan', 'Gloria', 'Lawrence', 'Kathryn', 'Arthur', 'Ann', 'Gabriel', 'Charlotte',
  'Bruce', 'Judy', 'Logan', 'Amber', 'Billy', 'Julia', 'Joe', 'Grace', 'Alan', 'Denise',
  'Juan', 'Danielle', 'Elijah', 'Marilyn', 'Willie', 'Beverly', 'Albert', 'Natalie', 'Wayne', 'Theresa',
  'Randy', 'Diana', 'Mason', 'Brittany', 'Vincent', 'Doris', 'Liam', 'Kayla', 'Roy', 'Alexis',
  'Bobby', 'Lori', 'Caleb', 'Marie', 'Bradley', 'Priya', 'Russell', 'Mei', 'Luis', 'Aisha',
  'Carlos', 'Fatima', 'Miguel', 'Lucia', 'Wei', 'Ana', 'Hiroshi', 'Yuki', 'Arjun', 'Nadia',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper',
  'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
  'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez',
  'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell', 'Coleman', 'Butler', 'Henderson', 'Barnes',
  'Gonzales', 'Fisher', 'Vasquez', 'Simmons', 'Romero', 'Jordan', 'Patterson', 'Alexander', 'Hamilton', 'Graham',
  'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole', 'Hayes', 'Bryant', 'Herrera', 'Gibson',
  'Ellis', 'Tran', 'Medina', 'Aguilar', 'Stevens', 'Murray', 'Ford', 'Castro', 'Marshall', 'Owens',
  'Harrison', 'Fernandez', 'McDonald', 'Woods', 'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry', 'Chen',
  'Freeman', 'Webb', 'Tucker', 'Guzman', 'Burns', 'Crawford', 'Olson', 'Simpson', 'Porter', 'Hunter',
  'Gordon', 'Mendez', 'Silva', 'Shaw', 'Snyder', 'Mason', 'Dixon', 'Munoz', 'Hunt', 'Hicks',
  'Holmes', 'Palmer', 'Wagner', 'Black', 'Robertson', 'Boyd', 'Rose', 'Stone', 'Salazar', 'Fox',
  'Warren', 'Mills', 'Meyer', 'Rice', 'Schmidt', 'Garza', 'Daniels', 'Ferguson', 'Nichols', 'Stephens',
  "O'Brien", 'Soto', 'Weaver', 'Ryan', 'Gardner', 'Payne', 'Grant', 'Dunn', 'Kowalski', 'Nakamura',
  "O'Connor", 'Van Dyke', 'Schultz', 'Yamamoto', 'Singh', 'Okafor', 'Haddad', 'Novak', 'Larsen', 'Dubois',
];

/** Letters only, for e-mail local parts ("O'Brien" -> "obrien"). */
export const emailSafe = (name: string) => name.toLowerCase().replace(/[^a-z]/g, '');

/** [domain, weight]. */
export const EMAIL_DOMAINS: ReadonlyArray<readonly [string, number]> = [
  ['gmail.com', 42], ['yahoo.com', 13], ['outlook.com', 8], ['hotmail.com', 8], ['icloud.com', 9],
  ['aol.com', 3], ['comcast.net', 4], ['att.net', 3], ['sbcglobal.net', 2], ['verizon.net', 1],
  ['me.com', 2], ['protonmail.com', 1], ['live.com', 2], ['msn.com', 1], ['charter.net', 1],
];

/** Dallas-Fort Worth numbers first (the business is local), then people who moved in. [area code, weight]. */
export const AREA_CODES: ReadonlyArray<readonly [string, number]> = [
  ['214', 18], ['469', 16], ['972', 18], ['945', 4], ['817', 14], ['682', 6], ['940', 3], ['903', 2], ['430', 1],
  ['512', 2], ['737', 1], ['713', 2], ['281', 1], ['832', 2], ['210', 1], ['312', 1], ['415', 1], ['646', 1],
  ['305', 1], ['404', 1], ['602', 1], ['303', 1], ['206', 1], ['617', 1], ['918', 1], ['405', 1], ['504', 1],
];

/** [service type, min minutes, max minutes, min cents, max cents, weight]. */
export const SERVICE_TYPES: ReadonlyArray<readonly [string, number, number, number, number, number]> = [
  ['HVAC repair', 60, 180, 14900, 89000, 14],
  ['HVAC maintenance', 60, 90, 8900, 18900, 10],
  ['AC installation', 240, 480, 450000, 1200000, 2],
  ['Furnace repair', 60, 150, 12900, 69000, 6],
  ['Plumbing repair', 60, 150, 12500, 65000, 14],
  ['Drain cleaning', 60, 90, 9900, 34900, 8],
  ['Water heater installation', 180, 300, 140000, 380000, 3],
  ['Leak detection', 60, 120, 14900, 39900, 4],
  ['Electrical repair', 60, 150, 12900, 59000, 9],
  ['Panel upgrade', 240, 480, 180000, 420000, 1],
  ['EV charger installation', 180, 300, 90000, 240000, 2],
  ['Standard cleaning', 120, 180, 12000, 22000, 12],
  ['Deep cleaning', 180, 300, 22000, 48000, 6],
  ['Move-out cleaning', 240, 360, 28000, 60000, 3],
  ['Gutter cleaning', 60, 120, 12900, 29900, 3],
  ['Appliance repair', 60, 120, 11900, 45000, 3],
];

export const TECHNICIANS = [
  'Marcus Reed', 'Luis Ortega', 'Dana Whitfield', 'Tony Nguyen', 'Brandon Cole', 'Rosa Delgado',
  'Kevin Park', 'Jamal Greene', 'Ethan Brooks', 'Carla Jimenez', 'Derek Lawson', 'Sofia Marin',
  'Ray Castillo', 'Hank Miller', 'Priya Raman', 'Omar Haddad', 'Tyler Voss', 'Grace Kim',
];

/** Office staff who answer SMS and calls. */
export const STAFF_NAMES = ['Maria (Dispatch)', 'Jake (Office)', 'Tasha (Customer Care)', 'Owen (Service Manager)', 'Lena (Office)'];

export const APPOINTMENT_NOTES = [
  'Gate code 4821#', 'Dog in the backyard, please call on arrival', 'Customer prefers afternoon visits',
  'Park on the street, driveway is being resealed', 'Second floor unit, elevator in the back',
  'Warranty job: no charge for parts', 'Bring 40 gal water heater', 'Tenant-occupied: call the tenant first',
  'Annual maintenance plan member', 'Attic access through the garage', 'Lockbox on the side door, code 1972',
  'Repeat issue: check the condensate line again', 'Customer asked for the same technician as last time',
  'Quote approved by phone', 'Please wear shoe covers', 'Commercial account: invoice to property manager',
];

export const CUSTOMER_OPENERS = [
  'Hi,', 'Hello,', 'Hey there,', 'Good morning,', 'Hi there,', 'Hello, quick question:', 'Hi, this is a follow up:',
];

export const CUSTOMER_REQUESTS = [
  'my AC is running but not blowing cold air.',
  'the upstairs unit is making a loud buzzing noise.',
  'can someone come look at a leak under the kitchen sink?',
  'our water heater stopped making hot water this morning.',
  'the bathroom drain is backing up again.',
  'is there any availability this week for a tune-up?',
  'what time is the technician arriving tomorrow?',
  'I need to reschedule my appointment to next week.',
  'half the outlets in the garage stopped working.',
  'the breaker keeps tripping when the dryer runs.',
  'how much do you charge for a deep clean of a 3 bedroom house?',
  'can I get a quote for a new furnace?',
  'the thermostat shows an error code E4.',
  'thanks, the technician was great!',
  'do you service tankless water heaters?',
  'we smell something like gas near the furnace.',
  'is Saturday morning possible?',
  'can you send me the invoice again? I cannot find it.',
  'the toilet keeps running all night.',
  'I would like to cancel my appointment, sorry.',
  'yes, that time works for me.',
  'the ceiling fan in the living room stopped working.',
  'what is included in the maintenance plan?',
  'my EV charger install: do I need a panel upgrade first?',
  'the garbage disposal is jammed and humming.',
  'ok, see you then.',
  'can you give me a call back when you have a minute?',
  'the gutters are overflowing every time it rains.',
];

export const ASSISTANT_REPLIES = [
  'Thanks for reaching out! I can help with that. What is the address for the service?',
  'I am sorry to hear that. Is the outdoor unit running, or is it completely off?',
  'We have openings tomorrow between 8-10 AM or 1-3 PM. Which works better for you?',
  'Got it. I have booked your appointment. You will get a confirmation text shortly.',
  'To look up your account, can you confirm the phone number or email you booked with?',
  'I just sent a 6-digit code to your phone. Please enter it here to continue.',
  'Thanks, you are verified. I can see your upcoming appointment.',
  'Our diagnostic visit is $89, and it is waived if you go ahead with the repair.',
  'Your technician is on the way and should arrive in about 25 minutes.',
  'I have moved your appointment. Anything else I can help with?',
  'If you smell gas, please leave the house and call your gas company right away. We can come out after it is safe.',
  'A deep clean for a 3 bedroom home usually runs $280-$420 depending on size and condition.',
  'I have passed this to our office team; someone will follow up shortly.',
  'Yes, we service all major tankless brands, including Rinnai, Navien and Noritz.',
  'Your invoice has been re-sent to the email on file.',
  'The maintenance plan includes two tune-ups a year, priority scheduling and 15% off repairs.',
];

export const STAFF_REPLIES = [
  'Hi, this is the office. We can get someone out there this afternoon.',
  'Thanks for letting us know, we will reschedule you for next Tuesday.',
  'Your technician Marcus is about 20 minutes away.',
  'We have you down for Thursday 10 AM. Reply C to confirm.',
  'Sorry for the wait! The part came in and we can finish the job tomorrow.',
  'Just called you back, please give us a ring at your convenience.',
  'Your quote is attached. Let us know if you have any questions.',
  'Thank you for your business! Would you mind leaving us a review?',
  'We received your payment, thank you.',
  'The technician will need access to the attic, is someone home after 2?',
  'Reminder: your appointment is tomorrow between 8 and 10 AM.',
  'Can you send a photo of the model plate on the unit?',
];

export const SYSTEM_MESSAGES = [
  'Conversation linked to customer after phone verification.',
  'Appointment confirmed.',
  'Appointment rescheduled.',
  'Reminder sent: appointment tomorrow.',
  'Invoice sent.',
  'Conversation transferred to office staff.',
  'Payment received.',
  'Review request sent.',
];

export const VOICE_SUMMARIES = [
  'Customer reports AC not cooling; requested earliest visit.',
  'Caller asked about pricing for a water heater replacement.',
  'Rescheduled appointment to next week at customer request.',
  'Customer confirmed tomorrow morning appointment.',
  'Left voicemail about a leaking pipe in the basement.',
  'Asked for a quote on a panel upgrade for an EV charger.',
  'Technician called ahead: running 15 minutes late.',
  'Follow-up call after repair; customer satisfied.',
  'Caller wanted to cancel; offered a later date instead.',
  'Billing question about the last invoice.',
];

export const VOICE_TRANSCRIPT_PARTS = [
  'Hi, yeah, I am calling because the air conditioner upstairs just is not keeping up, it is 82 in the bedroom.',
  'We had someone out last spring for the tune-up and it was fine until this week.',
  'Is there any way somebody could come out today or tomorrow morning?',
  'The water heater is leaking from the bottom and there is a puddle in the garage.',
  'I think it is about twelve years old, so maybe it is time to replace it.',
  'Could you give me a rough idea of the cost before you send someone?',
  'Sure, the address is the same as on the account.',
  'Mornings are better for me, I work from home most days.',
  'Okay, and will the technician call before they come?',
  'Thanks so much, I appreciate you fitting me in.',
  'This is a message for the office, please call me back when you get a chance.',
  'The breaker for the kitchen keeps tripping whenever we run the microwave and the dishwasher.',
  'Yes, I can confirm the appointment for Thursday.',
  'I need to move my cleaning to next week, something came up.',
  'Our property manager said to call you directly about the unit in building C.',
];

export const STREETS = [
  'Oak Lawn Ave', 'Maple St', 'Preston Rd', 'Elm St', 'Cedar Springs Rd', 'Greenville Ave', 'Mockingbird Ln',
  'Park Blvd', 'Legacy Dr', 'Main St', 'Hillcrest Rd', 'Coit Rd', 'Belt Line Rd', 'Camp Bowie Blvd', 'Forest Ln',
  'Lovers Ln', 'Spring Valley Rd', 'Custer Pkwy', 'Independence Pkwy', 'Lamar St',
];

export const CITIES = [
  'Dallas', 'Plano', 'Richardson', 'Garland', 'Irving', 'Frisco', 'McKinney', 'Allen', 'Carrollton', 'Fort Worth', 'Arlington', 'Mesquite',
];

export const WEBHOOK_ERRORS = [
  'HTTP 500 from api.housecallpro.com: Internal Server Error',
  'timeout after 30000 ms waiting for api.housecallpro.com',
  'HTTP 429 Too Many Requests (retry-after 60)',
  'customer not found for housecallpro id',
  'invalid signature: X-Housecall-Signature mismatch',
  'duplicate key value violates unique constraint "appointments_housecallpro_job_id_key"',
  'payload missing required field data.job.schedule.scheduled_start',
  'connect ECONNRESET',
];

/** [source, medium, campaign, weight, P(first message | visit)]. */
export const TRAFFIC_SOURCES: ReadonlyArray<readonly [string, string | null, string | null, number, number]> = [
  ['google', 'organic', null, 30, 0.11],
  ['google', 'cpc', 'ac-repair-search', 12, 0.2],
  ['google', 'cpc', 'plumbing-emergency', 6, 0.24],
  ['google', 'cpc', 'brand', 4, 0.3],
  ['direct', null, null, 14, 0.16],
  ['facebook', 'paid_social', 'spring-tune-up', 5, 0.07],
  ['facebook', 'paid_social', 'fall-furnace-check', 4, 0.07],
  ['instagram', 'paid_social', 'cleaning-promo', 3, 0.05],
  ['yelp', 'referral', null, 6, 0.22],
  ['nextdoor', 'referral', null, 4, 0.19],
  ['bing', 'cpc', 'ac-repair-search', 3, 0.17],
  ['newsletter', 'email', 'monthly-maintenance-tips', 5, 0.09],
  ['google_business_profile', 'organic', null, 8, 0.25],
  ['angi', 'referral', null, 2, 0.18],
];

export const LANDING_PAGES = [
  '/', '/', '/', '/services/ac-repair', '/services/heating', '/services/plumbing', '/services/drain-cleaning',
  '/services/electrical', '/services/house-cleaning', '/book', '/book', '/pricing', '/maintenance-plan',
  '/blog/why-is-my-ac-blowing-warm-air', '/blog/how-long-do-water-heaters-last', '/reviews', '/contact',
];
