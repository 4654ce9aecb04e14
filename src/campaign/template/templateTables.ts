// The four tables of Microsoft's campaign-optimization template (Campaign_Detail, Product,
// Lead_Demography, Market_Touchdown) and what becomes of each of their columns in our
// lead / campaign / touch model. Every column is listed here as used (with what it becomes) or
// ignored (with why), so the import's summary is this table and no column goes unaccounted.

export const TEMPLATE_FILES = {
  campaigns: 'Campaign_Detail.csv',
  products: 'Product.csv',
  leads: 'Lead_Demography.csv',
  touches: 'Market_Touchdown.csv',
} as const;
export type TemplateTable = keyof typeof TEMPLATE_FILES;

export type ColumnFate = { use: string } | { ignore: string };

export const TEMPLATE_COLUMNS: Record<TemplateTable, Record<string, ColumnFate>> = {
  campaigns: {
    Campaign_Id: { use: 'campaignId' },
    Campaign_Name: { use: 'name' },
    Category: { use: 'campaignCategory (campaign document)' },
    Launch_Date: { use: 'startDate (mm/dd/yy → YYYY-MM-DD)' },
    Sub_Category: { use: 'campaignSubCategory (campaign document)' },
    Campaign_Drivers: { use: 'campaignDrivers (campaign document)' },
    Product_Id: { use: 'product: the Product row\'s name as a token, and its terms on the campaign document' },
    Call_For_Action: { use: 'campaignCallForAction (campaign document)' },
    Focused_Geography: { use: 'campaignFocusedGeography (campaign document)' },
    Tenure_Of_Campaign: { use: 'campaignTenure (campaign document)' },
  },
  products: {
    Product_Id: { use: 'productId (campaign document)' },
    Product: { use: 'product (model feature, as a token) and productName' },
    Category: { use: 'productCategory (campaign document)' },
    Term: { use: 'termYears (campaign document)' },
    No_of_people_covered: { use: 'peopleCovered (campaign document)' },
    Premium: { use: 'premium (campaign document)' },
    Payment_frequency: { use: 'paymentFrequency: monthly | quarterly | yearly (campaign document)' },
    Net_Amt_Insured: { use: 'netAmountInsured (campaign document)' },
    Amt_on_Maturity: { use: 'amountOnMaturity (campaign document)' },
    Amt_on_Maturity_Bin: { ignore: 'a binned copy of Amt_on_Maturity' },
  },
  leads: {
    Lead_Id: { use: 'leadId (spaces become "-": "ID 00000001" → "ID-00000001")' },
    Age: { use: 'age: Young → 30, Middle Age → 45, Senior Citizen → 70 (the model splits on order only)' },
    Phone_No: { ignore: 'contact detail, not a feature; not stored' },
    Annual_Income_Bucket: { use: 'incomeBand: <60k → low, 60k-120k → middle, >120k → high' },
    Credit_Score: { use: 'creditScore: <350 → 325, 350-700 → 525, >700 → 775' },
    Country: { ignore: 'one country per data set in the template; State is the region' },
    State: { use: 'region (lower-case)' },
    No_Of_Dependents: { ignore: 'not in the lead model (age, income, credit score, household size, region)' },
    Highest_Education: { ignore: 'not in the lead model' },
    Ethnicity: { ignore: 'not in the lead model (and not a fair targeting feature)' },
    No_Of_Children: { ignore: 'not in the lead model' },
    Household_Size: { use: 'householdSize; an empty value is filled with the file\'s most frequent size (as the template\'s own cleaning step does)' },
    Gender: { ignore: 'not in the lead model (and not a fair targeting feature)' },
    Marital_Status: { ignore: 'not in the lead model' },
  },
  touches: {
    Lead_Id: { use: 'leadId (as in Lead_Demography)' },
    Channel: { use: 'channel: Email → email, SMS → sms, Cold Calling → call' },
    Time_Of_Day: { use: 'timeSlot: Morning, Afternoon, Evening' },
    Day_Of_Week: { use: 'day: 1 → mon … 7 → sun (ISO 8601 numbering)' },
    Campaign_Id: { use: 'campaignId (as in Campaign_Detail)' },
    Conversion_Flag: { use: 'converted' },
    Source: { ignore: 'how the lead entered the database, the same for all of a lead\'s touches; not in the lead model' },
    Time_Stamp: { use: 'touchedAt (mm/dd/yy → YYYY-MM-DD): orders touches for the time split' },
    Comm_Id: { use: 'touchId = <leadId>:<Comm_Id>, and the order of a lead\'s touches on one day' },
  },
};

/** Lead_Demography's bucket labels → our lead attributes. */
export const AGE_OF_BUCKET: Record<string, number> = { young: 30, 'middle age': 45, 'senior citizen': 70 };
export const INCOME_OF_BUCKET: Record<string, 'low' | 'middle' | 'high'> = { '<60k': 'low', '60k-120k': 'middle', '>120k': 'high' };
export const CREDIT_OF_BUCKET: Record<string, number> = { '<350': 325, '350-700': 525, '>700': 775 };
export const CHANNEL_OF_TEMPLATE: Record<string, 'email' | 'sms' | 'call'> = { email: 'email', sms: 'sms', 'cold calling': 'call' };
export const SLOT_OF_TEMPLATE: Record<string, number> = { morning: 0, afternoon: 1, evening: 2 };
export const PAYMENT_FREQUENCIES = ['monthly', 'quarterly', 'yearly'] as const;
