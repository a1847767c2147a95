"""Policy-gradient training on CartPole (the loops of pytorch/examples' reinforce.py and
actor_critic.py) gives torch's episodes and losses: the same Categorical draws, log_probs and
gradients, episode after episode. Needs gymnasium (CartPole is pure Python)."""
import numpy as np
import pytest
import torch

import ember

gym = pytest.importorskip("gymnasium")
EPS = np.finfo(np.float32).eps.item()


def _returns(m, rewards, gamma=0.99):
    R, out = 0.0, []
    for r in rewards[::-1]:
        R = r + gamma * R
        out.insert(0, R)
    out = m.tensor(out)
    return (out - out.mean()) / (out.std() + EPS)


def reinforce(m, episodes):
    env = gym.make("CartPole-v1")
    env.reset(seed=543)
    m.manual_seed(543)
    policy = m.nn.Sequential(m.nn.Linear(4, 128), m.nn.Dropout(p=0.6), m.nn.ReLU(), m.nn.Linear(128, 2),
                             m.nn.Softmax(dim=1))
    opt = m.optim.Adam(policy.parameters(), lr=1e-2)
    out = []
    for _ in range(episodes):
        state, _ = env.reset()
        log_probs, rewards = [], []
        for _ in range(500):
            d = m.distributions.Categorical(policy(m.from_numpy(state).float().unsqueeze(0)))
            action = d.sample()
            log_probs.append(d.log_prob(action))
            state, reward, terminated, truncated, _ = env.step(action.item())
            rewards.append(reward)
            if terminated or truncated:
                break
        loss = m.cat([-lp * R for lp, R in zip(log_probs, _returns(m, rewards))]).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        out.append((len(rewards), loss.item()))
    return out


def actor_critic(m, episodes):
    env = gym.make("CartPole-v1")
    env.reset(seed=543)
    m.manual_seed(543)
    body, actor, critic = m.nn.Linear(4, 128), m.nn.Linear(128, 2), m.nn.Linear(128, 1)
    params = list(body.parameters()) + list(actor.parameters()) + list(critic.parameters())
    opt = m.optim.Adam(params, lr=3e-2)
    F = m.nn.functional
    out = []
    for _ in range(episodes):
        state, _ = env.reset()
        saved, rewards = [], []
        for _ in range(500):
            x = F.relu(body(m.from_numpy(state).float()))
            d = m.distributions.Categorical(F.softmax(actor(x), dim=-1))
            action = d.sample()
            saved.append((d.log_prob(action), critic(x)))
            state, reward, terminated, truncated, _ = env.step(action.item())
            rewards.append(reward)
            if terminated or truncated:
                break
        policy_losses, value_losses = [], []
        for (log_prob, value), R in zip(saved, _returns(m, rewards)):
            policy_losses.append(-log_prob * (R - value.item()))
            value_losses.append(F.smooth_l1_loss(value, m.tensor([R])))
        loss = m.stack(policy_losses).sum() + m.stack(value_losses).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        out.append((len(rewards), loss.item()))
    return out


@pytest.mark.parametrize("program", [reinforce, actor_critic], ids=["reinforce", "actor_critic"])
def test_training_follows_torch(program):
    got, want = program(ember, 10), program(torch, 10)
    assert [n for n, _ in got] == [n for n, _ in want]   # the same actions, episode by episode
    np.testing.assert_allclose([v for _, v in got], [v for _, v in want], rtol=1e-4, atol=1e-5)
